import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import type { LiveLogFeed } from '../api/live-log-feed.ts';
import { stepLogDownloadUrl } from '../api/queries.ts';
import { parseAnsi } from './ansi.ts';
import { LogSearch } from './LogSearch.tsx';
import {
  DEFAULT_MAX_SCROLL_HEIGHT,
  isAtEnd,
  scrollHeightOf,
  scrollTopForRow,
  type Viewport,
  visibleRows,
} from './log-window.ts';
import { type StepLogRef, useLogLines } from './use-log-lines.ts';

const ROW_HEIGHT = 18;
const DEFAULT_VIEWPORT_HEIGHT = 420;

/** `#L123` → 123. */
function lineOfHash(hash: string): number | undefined {
  const match = /^#L(\d+)$/.exec(hash);
  return match ? Number(match[1]) : undefined;
}

const LogLine = memo(function LogLine(props: {
  number: number;
  text: string | undefined;
  top: number;
  target: boolean;
  hit: boolean;
  search: string;
}) {
  const segments = useMemo(() => (props.text === undefined ? [] : parseAnsi(props.text)), [props.text]);
  const classes = ['log-line', props.target ? 'log-line-target' : '', props.hit ? 'log-line-hit' : ''];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      style={{ top: props.top, height: ROW_HEIGHT, lineHeight: `${ROW_HEIGHT}px` }}
      data-line={props.number}
    >
      <Link className="log-number" to={{ search: props.search, hash: `L${props.number}` }} replace>
        {props.number}
      </Link>
      <span className="log-text">
        {props.text === undefined ? (
          <span className="log-pending">…</span>
        ) : (
          segments.map((segment, index) => (
            // Segments of one line never reorder.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <span key={index} className={segment.className || undefined}>
              {segment.text}
            </span>
          ))
        )}
      </span>
    </div>
  );
});

/**
 * A step's log: only the rows in view are in the DOM, their lines fetched a page at a time,
 * live lines added as they arrive (following the tail unless the reader scrolls away).
 * `#L123` in the URL scrolls to and marks a line.
 */
export function LogViewer(props: {
  log: StepLogRef;
  stepName: string;
  knownLines: number;
  live: boolean;
  feed: LiveLogFeed;
}) {
  const { log } = props;
  const lines = useLogLines(log, { knownLines: props.knownLines, feed: props.feed });
  const location = useLocation();
  const navigate = useNavigate();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(DEFAULT_VIEWPORT_HEIGHT);
  const [follow, setFollow] = useState(props.live && lineOfHash(location.hash) === undefined);
  const [target, setTarget] = useState<{ line: number; seq: number }>();
  const [hits, setHits] = useState<ReadonlySet<number>>(new Set());

  const viewport: Viewport = {
    rowCount: lines.totalLines,
    rowHeight: ROW_HEIGHT,
    viewportHeight,
    maxScrollHeight: DEFAULT_MAX_SCROLL_HEIGHT,
  };
  const visible = visibleRows(viewport, scrollTop);
  const { show } = lines;
  useEffect(() => show(visible.first, visible.end), [show, visible.first, visible.end]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setViewportHeight(element.clientHeight || DEFAULT_VIEWPORT_HEIGHT),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const scrollTo = useCallback((top: number) => {
    const element = scroller.current;
    if (!element) return;
    element.scrollTop = top;
    setScrollTop(element.scrollTop);
  }, []);

  /**
   * The viewport as the element has it right now. A short log's box grows with its lines
   * (up to its maximum height) and the resize observer reports that a frame late; the
   * scroll logic must not act on the stale height.
   */
  const measured = (element: HTMLElement): Viewport => ({
    ...viewport,
    viewportHeight: element.clientHeight || viewportHeight,
  });

  // Following: every new line keeps the view at the bottom.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!follow || !element || lines.totalLines === 0) return;
    scrollTo(scrollTopForRow(measured(element), lines.totalLines - 1, 'end'));
  });

  // A line from the URL (#L123), a clicked line number or a search hit.
  useEffect(() => {
    const line = lineOfHash(location.hash);
    if (line !== undefined) setTarget((current) => ({ line, seq: (current?.seq ?? 0) + 1 }));
  }, [location.hash]);

  const targetLine = target?.line;
  const targetSeq = target?.seq;
  const targetExists = targetLine !== undefined && targetLine <= lines.totalLines;
  // Runs once per jump, as soon as the log is long enough to hold the line.
  // biome-ignore lint/correctness/useExhaustiveDependencies: viewport and the line are read at that moment
  useEffect(() => {
    const element = scroller.current;
    if (!element || targetLine === undefined || !targetExists) return;
    setFollow(false);
    const shown = visibleRows(measured(element), element.scrollTop, 0);
    const row = targetLine - 1;
    // A line already in view (a clicked line number) stays where it is.
    if (row < shown.first + 1 || row >= shown.end - 1) scrollTo(scrollTopForRow(measured(element), row));
    element.scrollIntoView({ block: 'nearest' });
  }, [targetSeq, targetExists]);

  const jumpTo = (line: number) => {
    setTarget((current) => ({ line, seq: (current?.seq ?? 0) + 1 }));
    navigate({ search: location.search, hash: `L${line}` }, { replace: true });
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    // Scrolling away from the bottom stops following (the checkbox starts it again).
    if (follow && !isAtEnd(measured(element), element.scrollTop)) setFollow(false);
  };

  const rows = [];
  for (let row = visible.first; row < visible.end; row++) {
    const number = row + 1;
    rows.push(
      <LogLine
        key={number}
        number={number}
        text={lines.line(number)}
        top={visible.firstTop + (row - visible.first) * ROW_HEIGHT}
        target={number === targetLine}
        hit={hits.has(number)}
        search={location.search}
      />,
    );
  }

  return (
    <section className="log-viewer" aria-label={`Log of ${props.stepName}`}>
      <div className="log-toolbar">
        <strong>{props.stepName}</strong>
        <span className="muted small">
          {lines.totalLines.toLocaleString()} line{lines.totalLines === 1 ? '' : 's'}
          {props.live ? ' · live' : ''}
        </span>
        <label className="checkbox small">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
          Follow the tail
        </label>
        <a className="small" href={stepLogDownloadUrl(log.run, `${log.stage}.${log.job}`, log.step)} download>
          Download
        </a>
      </div>
      <LogSearch log={log} onJump={jumpTo} onHits={setHits} />
      <ErrorNotice error={lines.error} title="Cannot load the log" />
      <div
        ref={scroller}
        className="log-scroll"
        role="log"
        aria-label={`Lines of ${props.stepName}`}
        onScroll={onScroll}
      >
        <div className="log-spacer" style={{ height: scrollHeightOf(viewport) }}>
          {rows}
        </div>
        {lines.totalLines === 0 ? (
          <p className="log-empty muted">{props.live ? 'Waiting for output…' : 'No output.'}</p>
        ) : null}
      </div>
    </section>
  );
}

import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Loading } from '../../../components/Loading.tsx';
import type { ReleaseRef } from '../api/keys.ts';
import { useReleaseLog } from '../api/queries.ts';
import '../releases.css';

/** Within this many pixels of the end counts as "at the end": new lines then keep it in view. */
const FOLLOW_SLACK_PX = 24;

/**
 * The deploy log of a release (what was applied, rollout progress, pod events), read again
 * while the deploy goes on. A `role="log"` region: screen readers announce new lines, and the
 * view follows them while the reader is at its end.
 */
export function ReleaseLogView({ release }: { release: ReleaseRef }) {
  const log = useReleaseLog(release, true);
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const count = log.data?.lines.length ?? 0;
  useEffect(() => {
    const element = box.current;
    if (element && following.current && count > 0) element.scrollTop = element.scrollHeight;
  }, [count]);
  if (log.isPending) return <Loading label="Loading the deploy log…" />;
  if (log.error && !log.data) return <ErrorNotice error={log.error} title="Cannot load the deploy log" />;
  const { lines, complete } = log.data;
  return (
    <>
      <h2>Deploy log</h2>
      {lines.length === 0 ? <p className="muted">No lines yet.</p> : null}
      {lines.length > 0 ? (
        <div
          ref={box}
          className="release-log"
          role="log"
          aria-label="Deploy log"
          // Focusable: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
          // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
          tabIndex={0}
          onScroll={(event) => {
            const element = event.currentTarget;
            following.current =
              element.scrollHeight - element.scrollTop - element.clientHeight <= FOLLOW_SLACK_PX;
          }}
        >
          {lines.map((line) => (
            <div key={line.seq}>
              <span className="release-log-time">{new Date(line.at).toLocaleTimeString()} </span>
              {line.text}
            </div>
          ))}
        </div>
      ) : null}
      <p className="muted small" role="status">
        {complete ? 'The deploy has finished; this is the whole log.' : 'Following the deploy…'}
      </p>
      {log.error ? <ErrorNotice error={log.error} title="Cannot read new lines" /> : null}
    </>
  );
}

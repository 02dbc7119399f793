import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRef } from '../api/keys.ts';
import type { LiveLogFeed } from '../api/live-log-feed.ts';
import { fetchStepLogLines } from '../api/queries.ts';
import { LogPageCache } from './log-page-cache.ts';
import { pagesCovering } from './log-window.ts';

export const LOG_PAGE_SIZE = 500;
/** 200 pages of 500: at most 100,000 lines held, whatever the log's length. */
const MAX_PAGES = 200;

/** Which step's log, identified as the stream and the log endpoint name it. */
export interface StepLogRef {
  run: RunRef;
  stage: string;
  job: string;
  attempt: number;
  step: number;
}

/**
 * The lines of one step's log for the virtualised viewer: the pages covering the drawn rows
 * are fetched on demand, live lines from the event stream are added as they come. `line(n)`
 * is undefined while its page is on its way.
 */
export function useLogLines(log: StepLogRef, options: { knownLines: number; feed: LiveLogFeed }) {
  const [cache] = useState(() => new LogPageCache(LOG_PAGE_SIZE, MAX_PAGES));
  const [totalSeen, setTotalSeen] = useState(0);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const [wanted, setWanted] = useState<{ first: number; end: number }>({ first: 0, end: 0 });
  const inFlight = useRef(new Set<number>());
  const mounted = useRef(true);
  const totalLines = Math.max(options.knownLines, totalSeen);
  const { run, stage, job, attempt, step } = log;
  const jobName = `${stage}.${job}`;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(
    () =>
      options.feed.subscribe((live) => {
        if (live.stage !== stage || live.job !== job || live.attempt !== attempt || live.step !== step)
          return;
        cache.appendLive(live.firstLine, live.lines);
        setTotalSeen((seen) => Math.max(seen, live.firstLine + live.lines.length - 1));
        setVersion((v) => v + 1);
      }),
    [options.feed, cache, stage, job, attempt, step],
  );

  // version is a dependency so that pages are checked again after every change of the cache.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const pages = pagesCovering(wanted.first, wanted.end, LOG_PAGE_SIZE);
    for (const page of cache.missing(pages, totalLines)) {
      if (inFlight.current.has(page)) continue;
      inFlight.current.add(page);
      const from = cache.firstLineOf(page);
      fetchStepLogLines(run, jobName, step, from, LOG_PAGE_SIZE)
        .then((result) => {
          if (!mounted.current) return;
          const texts: string[] = [];
          for (const line of result.lines) {
            if (line.number !== from + texts.length) break;
            texts.push(line.text);
          }
          cache.storePage(page, texts, Math.max(result.totalLines, totalLines));
          setTotalSeen((seen) => Math.max(seen, result.totalLines));
          setError(undefined);
          setVersion((v) => v + 1);
        })
        .catch((failure: unknown) => {
          if (mounted.current) setError(failure);
        })
        .finally(() => inFlight.current.delete(page));
    }
  }, [
    wanted.first,
    wanted.end,
    totalLines,
    version,
    cache,
    run.workspace,
    run.project,
    run.pipeline,
    run.number,
    jobName,
    step,
  ]);

  /** Tells which rows (0-based, `end` exclusive) are drawn, so their pages get fetched. */
  const show = useCallback((first: number, end: number) => {
    setWanted((current) => (current.first === first && current.end === end ? current : { first, end }));
  }, []);

  return {
    totalLines,
    error,
    version,
    line: (number: number) => cache.line(number),
    show,
  };
}

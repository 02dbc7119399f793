import { useState } from 'react';
import type { RunRef } from '../api/keys.ts';
import { LiveLogFeed } from '../api/live-log-feed.ts';
import { isFinished, useRun } from '../api/queries.ts';
import { useRunEvents } from '../api/run-events.ts';
import { useNow } from '../use-now.ts';

/**
 * One run, kept current: the run query, updated from the run's event stream while it is
 * active (the stream also feeds `feed` the open log's new lines), and a clock (`now`, ms)
 * that ticks while it runs so durations count up.
 */
export function useLiveRun(target: RunRef) {
  const run = useRun(target);
  const [feed] = useState(() => new LiveLogFeed());
  const active = run.data ? !isFinished(run.data.status) : false;
  useRunEvents(target, { active, feed });
  const now = useNow(active);
  return { run, feed, active, now };
}

import { RUN_EVENT_TYPES, RUN_STREAM_END, type Run } from '@slipway/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { RunRef } from './keys.ts';
import { runKeys } from './keys.ts';
import type { LiveLogFeed } from './live-log-feed.ts';
import { runEventsUrl } from './queries.ts';
import { applyRunEvent, parseStreamMessage } from './run-cache.ts';

/** Events come in bursts: one refetch (for timestamps and durations) per burst. */
const REFETCH_DELAY_MS = 300;
/** The server ends the stream (`event: end`, RUN_STREAM_END) once the run's logs are archived; past this, stop anyway. */
const END_GRACE_MS = 15_000;

/**
 * Follows a run through its Server-Sent Events stream from the moment it is seen active
 * until the server says the stream ended: each frame is checked against the contract's
 * RunEventSchema (one that does not match is ignored with a warning); status events patch
 * the cached run at once and schedule a refetch; log lines go to `feed`. EventSource reconnects by itself and resumes
 * with Last-Event-ID. A run already over when the page opens is not streamed at all.
 */
export function useRunEvents(ref: RunRef, options: { active: boolean; feed: LiveLogFeed }): void {
  const queryClient = useQueryClient();
  const { workspace, project, pipeline, number } = ref;
  const { active, feed } = options;
  const runId = `${workspace}/${project}/${pipeline}/${number}`;
  // Which run is being streamed: set when it is seen active, cleared when its stream ends.
  const [streaming, setStreaming] = useState<string>();
  const open = streaming === runId;

  useEffect(() => {
    if (active) setStreaming(runId);
  }, [active, runId]);

  useEffect(() => {
    if (active || !open) return;
    const timer = setTimeout(() => setStreaming(undefined), END_GRACE_MS);
    return () => clearTimeout(timer);
  }, [active, open]);

  useEffect(() => {
    if (!open) return;
    const target = { workspace, project, pipeline, number };
    const key = runKeys.detail(target);
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;
    const refetch = () => {
      refetchTimer = undefined;
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    };
    const scheduleRefetch = () => {
      refetchTimer ??= setTimeout(refetch, REFETCH_DELAY_MS);
    };

    const source = new EventSource(runEventsUrl(target, queryClient.getQueryData<Run>(key)?.streamCursor));
    const onMessage = (event: MessageEvent<string>) => {
      const runEvent = parseStreamMessage(event.type, event.data);
      if (!runEvent) return;
      if (runEvent.type === 'log') {
        feed.publish(runEvent);
        return;
      }
      queryClient.setQueryData<Run>(key, (run) => (run ? applyRunEvent(run, runEvent) : run));
      scheduleRefetch();
      if (runEvent.type === 'run') void queryClient.invalidateQueries({ queryKey: runKeys.lists(target) });
    };
    for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onMessage);
    // Without closing on `end`, EventSource would reconnect to a finished run forever.
    source.addEventListener(RUN_STREAM_END, () => {
      source.close();
      clearTimeout(refetchTimer);
      refetch();
      setStreaming((current) => (current === runId ? undefined : current));
    });
    return () => {
      source.close();
      // The last burst still gets its refetch.
      if (refetchTimer !== undefined) {
        clearTimeout(refetchTimer);
        refetch();
      }
    };
  }, [open, runId, feed, queryClient, workspace, project, pipeline, number]);
}

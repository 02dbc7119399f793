import { endpointUrl, FINISHED_STATUSES, type JobRun, runEndpoints } from '@slipway/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import {
  type PipelineRef,
  pipelineParams,
  type RunFilters,
  type RunRef,
  runKeys,
  runParams,
} from './keys.ts';

const PAGE_SIZE = 25;

/** A run's history, newest first, a page at a time ("Load more"). */
export function useRuns(ref: PipelineRef, filters: RunFilters) {
  return useInfiniteQuery({
    queryKey: runKeys.list(ref, filters),
    queryFn: ({ pageParam }) =>
      callEndpoint(runEndpoints.list, {
        params: pipelineParams(ref),
        query: { ...filters, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Active runs change status without this page watching their streams: poll meanwhile.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((run) => !isFinished(run.status)))
        ? 5000
        : false,
  });
}

export function useRun(ref: RunRef) {
  return useQuery({
    queryKey: runKeys.detail(ref),
    queryFn: () => callEndpoint(runEndpoints.get, { params: runParams(ref) }),
  });
}

/** The newest run in full (with its parameters), for "rerun with the last values". */
export function useLatestRun(ref: PipelineRef) {
  return useQuery({
    queryKey: runKeys.latest(ref),
    queryFn: async () => {
      const page = await callEndpoint(runEndpoints.list, {
        params: pipelineParams(ref),
        query: { limit: 1 },
      });
      const newest = page.items[0];
      return newest
        ? callEndpoint(runEndpoints.get, { params: runParams({ ...ref, number: newest.number }) })
        : null;
    },
  });
}

/** How the step-log endpoint names a job: `stage.job` is never ambiguous. */
export function jobKey(job: Pick<JobRun, 'stage' | 'name'>): string {
  return `${job.stage}.${job.name}`;
}

function stepLogParams(ref: RunRef, job: string, step: number) {
  return { ...runParams(ref), job, step: String(step) };
}

/** Lines `from` … `from + limit - 1` of a step's archived log (the viewer's pages). */
export function fetchStepLogLines(ref: RunRef, job: string, step: number, from: number, limit: number) {
  return callEndpoint(runEndpoints.stepLog, {
    params: stepLogParams(ref, job, step),
    query: { from, limit },
  });
}

/** Lines of a step's log containing `text`, searched by the server. */
export function useStepLogSearch(ref: RunRef, job: string, step: number, text: string, limit = 200) {
  return useQuery({
    queryKey: runKeys.logSearch(ref, job, step, text),
    enabled: text.length > 0,
    queryFn: () =>
      callEndpoint(runEndpoints.stepLog, {
        params: stepLogParams(ref, job, step),
        query: { search: text, limit },
      }),
  });
}

/** The whole log as a text file. */
export function stepLogDownloadUrl(ref: RunRef, job: string, step: number): string {
  const params = stepLogParams(ref, job, step);
  return `${endpointUrl(runEndpoints.stepLog.path, { ...params, number: String(params.number) })}?download=true`;
}

/**
 * The URL of a run's Server-Sent Events stream; `after` (the run's streamCursor) skips what
 * the loaded run already shows, so opening a long-running run does not replay its history.
 */
export function runEventsUrl(ref: RunRef, after?: string): string {
  const params = runParams(ref);
  const url = endpointUrl(runEndpoints.events.path, { ...params, number: String(params.number) });
  return after ? `${url}?after=${encodeURIComponent(after)}` : url;
}

export function isFinished(status: string): boolean {
  return FINISHED_STATUSES.includes(status);
}

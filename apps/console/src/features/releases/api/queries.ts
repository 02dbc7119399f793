import {
  type Release,
  type ReleaseStatus,
  releaseEndpoints,
  WAITING_RELEASE_STATUSES,
} from '@slipway/contracts';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint, endpointHref } from '../../../api/client.ts';
import { type ApprovalsReportFilters, type ReleaseRef, releaseKeys, releaseParams } from './keys.ts';
import { appendLogLines, lastSeq, type ReleaseLog } from './release-log.ts';

const PAGE_SIZE = 25;
/** How often what is still deploying is read again (ms). */
const DEPLOYING_POLL_MS = 2_000;
/** How often lists holding a deploying release, and the live view, are read again (ms). */
const LIST_POLL_MS = 5_000;

/** Whether a release may still change (its rollout is being followed). */
export function isDeploying(status: ReleaseStatus): boolean {
  return status === 'deploying';
}

/** Whether a release has not ended: waiting for approval or its turn, or deploying (it is read again). */
export function isUnfinished(status: ReleaseStatus): boolean {
  return status === 'deploying' || WAITING_RELEASE_STATUSES.includes(status);
}

const anyDeploying = (pages: readonly { items: readonly Release[] }[] | undefined) =>
  pages?.some((page) => page.items.some((release) => isUnfinished(release.status))) ?? false;

/** A project's releases, newest first, a page at a time; of one environment when given. */
export function useProjectReleases(workspace: string, project: string, environment: string | undefined) {
  return useInfiniteQuery({
    queryKey: releaseKeys.list(workspace, project, environment),
    queryFn: ({ pageParam }) =>
      callEndpoint(releaseEndpoints.list, {
        params: { workspace, project },
        query: {
          limit: PAGE_SIZE,
          ...(environment ? { environment } : {}),
          ...(pageParam ? { cursor: pageParam } : {}),
        },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) => (anyDeploying(query.state.data?.pages) ? LIST_POLL_MS : false),
  });
}

/** An environment's deployment history across projects, newest first, a page at a time. */
export function useEnvironmentReleases(workspace: string, environment: string) {
  return useInfiniteQuery({
    queryKey: releaseKeys.environmentList(workspace, environment),
    queryFn: ({ pageParam }) =>
      callEndpoint(releaseEndpoints.environmentList, {
        params: { workspace, environment },
        query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) => (anyDeploying(query.state.data?.pages) ? LIST_POLL_MS : false),
  });
}

/**
 * One release; read again every few seconds while it has not ended (deploying, or waiting
 * for approval or its turn: someone else's decision or release moves it on).
 */
export function useRelease(ref: ReleaseRef, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: releaseKeys.detail(ref),
    queryFn: () => callEndpoint(releaseEndpoints.get, { params: releaseParams(ref) }),
    enabled: options.enabled ?? true,
    refetchInterval: (query) =>
      query.state.data && isUnfinished(query.state.data.status) ? DEPLOYING_POLL_MS : false,
  });
}

/** The environment's deploy queue (deploying, then waiting in order, each with why), read every few seconds while shown. */
export function useEnvironmentQueue(workspace: string, environment: string, enabled: boolean) {
  return useQuery({
    queryKey: releaseKeys.queue(workspace, environment),
    queryFn: () => callEndpoint(releaseEndpoints.environmentQueue, { params: { workspace, environment } }),
    enabled,
    refetchInterval: LIST_POLL_MS,
  });
}

/** The objects a release applied (they never change once it has some). */
export function useReleaseObjects(ref: ReleaseRef, enabled: boolean) {
  return useQuery({
    queryKey: releaseKeys.objects(ref),
    queryFn: () => callEndpoint(releaseEndpoints.objects, { params: releaseParams(ref) }),
    enabled,
  });
}

/**
 * A release's deploy log: the first read takes every line, later reads only the lines after
 * the last one held (`after`), every two seconds until the log is complete.
 */
export function useReleaseLog(ref: ReleaseRef, enabled: boolean) {
  const queryClient = useQueryClient();
  const key = releaseKeys.log(ref);
  return useQuery({
    queryKey: key,
    queryFn: async () => {
      const previous = queryClient.getQueryData<ReleaseLog>(key);
      const after = lastSeq(previous);
      const next = await callEndpoint(releaseEndpoints.log, {
        params: releaseParams(ref),
        query: after === undefined ? {} : { after },
      });
      return appendLogLines(previous, next);
    },
    enabled,
    refetchInterval: (query) => (query.state.data?.complete ? false : DEPLOYING_POLL_MS),
  });
}

/** What changed from release `ref` to release `to`; disabled until `to` is chosen. */
export function useReleaseDiff(ref: ReleaseRef, to: number | undefined) {
  return useQuery({
    queryKey: releaseKeys.diff(ref, to ?? 0),
    queryFn: () =>
      callEndpoint(releaseEndpoints.diff, { params: releaseParams(ref), query: { to: to ?? 0 } }),
    enabled: to !== undefined,
  });
}

/** What is live in an environment per project, read again every few seconds while shown. */
export function useEnvironmentLive(workspace: string, environment: string, enabled: boolean) {
  return useQuery({
    queryKey: releaseKeys.live(workspace, environment),
    queryFn: () => callEndpoint(releaseEndpoints.environmentLive, { params: { workspace, environment } }),
    enabled,
    refetchInterval: LIST_POLL_MS,
  });
}

/**
 * Separation of duties in an environment: per release (newest first) who started it, who
 * approved or rejected it, and flags where policy was broken; within `filters`' period.
 */
export function useApprovalsReport(workspace: string, environment: string, filters: ApprovalsReportFilters) {
  return useQuery({
    queryKey: releaseKeys.approvalsReport(workspace, environment, filters),
    queryFn: () =>
      callEndpoint(releaseEndpoints.approvalsReport, { params: { workspace, environment }, query: filters }),
  });
}

/** The approvals report as CSV (an attachment the browser saves), with the same period as the table. */
export function approvalsReportCsvHref(
  workspace: string,
  environment: string,
  filters: ApprovalsReportFilters,
): string {
  return endpointHref(releaseEndpoints.approvalsReport, {
    params: { workspace, environment },
    query: { ...filters, format: 'csv' },
  });
}

import type { ReleaseAddress } from '../../../app/paths.ts';

export type { ReleaseAddress } from '../../../app/paths.ts';

/** The approvals report's period: ISO timestamps with an offset, either end optional. */
export interface ApprovalsReportFilters {
  since?: string;
  until?: string;
}

/** One release, with its number as the API takes it. */
export interface ReleaseRef extends ReleaseAddress {
  number: number;
}

/**
 * Query keys of releases: a project's (list, one release and its parts) and an
 * environment's (history across projects, what is live). Invalidating `all` refreshes both.
 */
export const releaseKeys = {
  all: ['releases'] as const,
  ofProject: (workspace: string, project: string) =>
    [...releaseKeys.all, 'project', workspace, project] as const,
  lists: (workspace: string, project: string) =>
    [...releaseKeys.ofProject(workspace, project), 'list'] as const,
  list: (workspace: string, project: string, environment: string | undefined) =>
    [...releaseKeys.lists(workspace, project), environment ?? null] as const,
  detail: (ref: ReleaseRef) =>
    [...releaseKeys.ofProject(ref.workspace, ref.project), 'detail', ref.number] as const,
  objects: (ref: ReleaseRef) => [...releaseKeys.detail(ref), 'objects'] as const,
  log: (ref: ReleaseRef) => [...releaseKeys.detail(ref), 'log'] as const,
  diff: (ref: ReleaseRef, to: number) => [...releaseKeys.detail(ref), 'diff', to] as const,
  ofEnvironment: (workspace: string, environment: string) =>
    [...releaseKeys.all, 'environment', workspace, environment] as const,
  environmentList: (workspace: string, environment: string) =>
    [...releaseKeys.ofEnvironment(workspace, environment), 'list'] as const,
  live: (workspace: string, environment: string) =>
    [...releaseKeys.ofEnvironment(workspace, environment), 'live'] as const,
  queue: (workspace: string, environment: string) =>
    [...releaseKeys.ofEnvironment(workspace, environment), 'queue'] as const,
  approvalsReport: (workspace: string, environment: string, filters: ApprovalsReportFilters) =>
    [...releaseKeys.ofEnvironment(workspace, environment), 'approvals-report', filters] as const,
};

/** The path parameters of the release endpoints. */
export function releaseParams(ref: ReleaseRef) {
  return { workspace: ref.workspace, project: ref.project, number: ref.number };
}

/**
 * The console's one route builder. Every link and navigation goes through `paths`, and the
 * router declares its routes with `routePatterns`, so a URL shape is written once
 * (`paths.test.ts` fails on a hand-built `/workspaces/…` anywhere else in `src/`).
 *
 * Builders take the identifiers the API uses in its own paths (workspace and project slugs,
 * pipeline and environment names, run numbers) and percent-encode each segment, so a name
 * with a reserved character still lands on its page.
 */

/** Route patterns in react-router's syntax (`:param` segments), one per page. */
export const routePatterns = {
  signIn: '/sign-in',
  invite: '/invite',
  workspaces: '/workspaces',
  workspace: '/workspaces/:workspace',
  workspaceMembers: '/workspaces/:workspace/members',
  environments: '/workspaces/:workspace/environments',
  environment: '/workspaces/:workspace/environments/:environment',
  templates: '/workspaces/:workspace/templates',
  credentials: '/workspaces/:workspace/credentials',
  notificationChannels: '/workspaces/:workspace/notification-channels',
  project: '/workspaces/:workspace/projects/:project',
  projectMembers: '/workspaces/:workspace/projects/:project/members',
  webhooks: '/workspaces/:workspace/projects/:project/webhooks',
  manifestSets: '/workspaces/:workspace/projects/:project/manifests',
  manifestSet: '/workspaces/:workspace/projects/:project/manifests/:name',
  configSets: '/workspaces/:workspace/projects/:project/config',
  configSet: '/workspaces/:workspace/projects/:project/config/:name',
  pipeline: '/workspaces/:workspace/projects/:project/pipelines/:pipeline',
  runs: '/workspaces/:workspace/projects/:project/pipelines/:pipeline/runs',
  run: '/workspaces/:workspace/projects/:project/pipelines/:pipeline/runs/:number',
  schedules: '/workspaces/:workspace/projects/:project/pipelines/:pipeline/schedules',
  releases: '/workspaces/:workspace/projects/:project/releases',
  release: '/workspaces/:workspace/projects/:project/releases/:number',
  releaseDiff: '/workspaces/:workspace/projects/:project/releases/:number/diff',
  approvals: '/approvals',
  approval: '/approvals/:id',
  clusters: '/clusters',
  users: '/users',
  audit: '/audit',
  account: '/account',
  pipelineSpecDocs: '/docs/pipeline-spec',
} as const;

/** The name of a page, as a key of `routePatterns`. */
export type RouteName = keyof typeof routePatterns;

/** A pipeline's address: workspace slug, project slug, pipeline name. */
export interface PipelineRef {
  workspace: string;
  project: string;
  pipeline: string;
}

/** A run's address: its pipeline's plus the run number (the build number, per pipeline). */
export interface RunAddress extends PipelineRef {
  number: number | string;
}

/** A release's address: its project's plus the release number (counted per project). */
export interface ReleaseAddress {
  workspace: string;
  project: string;
  number: number | string;
}

const segment = encodeURIComponent;

function workspacePath(workspace: string): string {
  return `${routePatterns.workspaces}/${segment(workspace)}`;
}

function projectPath(workspace: string, project: string): string {
  return `${workspacePath(workspace)}/projects/${segment(project)}`;
}

function pipelinePath(ref: PipelineRef): string {
  return `${projectPath(ref.workspace, ref.project)}/pipelines/${segment(ref.pipeline)}`;
}

function releasePath(ref: ReleaseAddress): string {
  return `${projectPath(ref.workspace, ref.project)}/releases/${segment(String(ref.number))}`;
}

/** Builders of every console URL; each returns an absolute path (no origin). */
export const paths = {
  /** Sign-in; `next` (a same-origin path) is where to go once signed in. */
  signIn: (next?: string): string =>
    next ? `${routePatterns.signIn}?next=${encodeURIComponent(next)}` : routePatterns.signIn,
  invite: (): string => routePatterns.invite,
  workspaces: (): string => routePatterns.workspaces,
  workspace: workspacePath,
  workspaceMembers: (workspace: string): string => `${workspacePath(workspace)}/members`,
  environments: (workspace: string): string => `${workspacePath(workspace)}/environments`,
  environment: (workspace: string, environment: string): string =>
    `${workspacePath(workspace)}/environments/${segment(environment)}`,
  templates: (workspace: string): string => `${workspacePath(workspace)}/templates`,
  credentials: (workspace: string): string => `${workspacePath(workspace)}/credentials`,
  /** The workspace's notification channels (webhook, Slack-compatible, e-mail) and their delivery logs. */
  notificationChannels: (workspace: string): string => `${workspacePath(workspace)}/notification-channels`,
  project: projectPath,
  projectMembers: (workspace: string, project: string): string =>
    `${projectPath(workspace, project)}/members`,
  webhooks: (workspace: string, project: string): string => `${projectPath(workspace, project)}/webhooks`,
  /** A project's manifest sets (versioned Kubernetes YAML). */
  manifestSets: (workspace: string, project: string): string =>
    `${projectPath(workspace, project)}/manifests`,
  /** One manifest set; its page's tabs are `?tab=editor|history`. */
  manifestSet: (workspace: string, project: string, name: string): string =>
    `${projectPath(workspace, project)}/manifests/${segment(name)}`,
  /** A project's config sets (versioned ConfigMaps per environment). */
  configSets: (workspace: string, project: string): string => `${projectPath(workspace, project)}/config`,
  /** One config set; its page has a tab per environment (`?tab=<environment>`). */
  configSet: (workspace: string, project: string, name: string): string =>
    `${projectPath(workspace, project)}/config/${segment(name)}`,
  pipeline: pipelinePath,
  runs: (ref: PipelineRef): string => `${pipelinePath(ref)}/runs`,
  schedules: (ref: PipelineRef): string => `${pipelinePath(ref)}/schedules`,
  run: (ref: RunAddress): string => `${pipelinePath(ref)}/runs/${segment(String(ref.number))}`,
  /** The project's releases; `environment` filters them to one environment. */
  releases: (workspace: string, project: string, environment?: string): string =>
    `${projectPath(workspace, project)}/releases${environment ? `?environment=${segment(environment)}` : ''}`,
  release: releasePath,
  /** Release `number` compared with release `to` (the page asks for `to` when it is missing). */
  releaseDiff: (ref: ReleaseAddress & { to?: number | string }): string =>
    `${releasePath(ref)}/diff${ref.to !== undefined ? `?to=${segment(String(ref.to))}` : ''}`,
  /** The approvals inbox; `filters` (status, kind, workspace, environment) go in the query string. */
  approvals: (filters?: Readonly<Record<string, string | undefined>>): string => {
    const search = new URLSearchParams(
      Object.entries(filters ?? {}).filter((entry): entry is [string, string] => Boolean(entry[1])),
    ).toString();
    return search ? `${routePatterns.approvals}?${search}` : routePatterns.approvals;
  },
  /** One approval request (a deploy approval or a pipeline gate), by its id. */
  approval: (id: string): string => `${routePatterns.approvals}/${segment(id)}`,
  clusters: (): string => routePatterns.clusters,
  users: (): string => routePatterns.users,
  audit: (): string => routePatterns.audit,
  account: (): string => routePatterns.account,
  /** The pipeline spec reference; `anchor` names a key's section (see `json-schema.ts`). */
  pipelineSpecDocs: (anchor?: string): string =>
    anchor ? `${routePatterns.pipelineSpecDocs}#${anchor}` : routePatterns.pipelineSpecDocs,
} as const;

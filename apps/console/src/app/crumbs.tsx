import type { ReactNode } from 'react';
import type { Params } from 'react-router';
import { Crumb } from '../components/page/Breadcrumbs.tsx';
import type { CrumbHandle } from '../components/page/crumbs.ts';
import { useProject } from '../features/projects/api/queries.ts';
import { useWorkspace } from '../features/workspaces/api/queries.ts';
import { paths } from './paths.ts';

/** The workspace's name from its (usually cached) query; the slug while it loads or if it fails. */
function WorkspaceName({ slug }: { slug: string }) {
  return useWorkspace(slug).data?.name ?? slug;
}

/** The project's name from its (usually cached) query; the slug while it loads or if it fails. */
function ProjectName({ workspace, project }: { workspace: string; project: string }) {
  return useProject(workspace, project).data?.name ?? project;
}

/** `params` as the router matched them: every segment of the route's own pattern is present. */
const p = (params: Params, key: string): string => params[key] ?? '';

const crumb = (build: (params: Params) => { to: string; label: ReactNode }): CrumbHandle => ({
  crumb: (params) => {
    const { to, label } = build(params);
    return <Crumb to={to}>{label}</Crumb>;
  },
});

/**
 * Every route's breadcrumb (`handle` in `router.tsx`). Workspaces and projects show their
 * names; pipelines, environments and runs are named by their identifiers.
 */
export const crumbs = {
  workspaces: crumb(() => ({ to: paths.workspaces(), label: 'Workspaces' })),
  workspace: crumb((params) => ({
    to: paths.workspace(p(params, 'workspace')),
    label: <WorkspaceName slug={p(params, 'workspace')} />,
  })),
  workspaceMembers: crumb((params) => ({
    to: paths.workspaceMembers(p(params, 'workspace')),
    label: 'Members',
  })),
  environments: crumb((params) => ({
    to: paths.environments(p(params, 'workspace')),
    label: 'Environments',
  })),
  environment: crumb((params) => ({
    to: paths.environment(p(params, 'workspace'), p(params, 'environment')),
    label: p(params, 'environment'),
  })),
  templates: crumb((params) => ({
    to: paths.templates(p(params, 'workspace')),
    label: 'Pipeline templates',
  })),
  credentials: crumb((params) => ({ to: paths.credentials(p(params, 'workspace')), label: 'Credentials' })),
  project: crumb((params) => ({
    to: paths.project(p(params, 'workspace'), p(params, 'project')),
    label: <ProjectName workspace={p(params, 'workspace')} project={p(params, 'project')} />,
  })),
  projectMembers: crumb((params) => ({
    to: paths.projectMembers(p(params, 'workspace'), p(params, 'project')),
    label: 'Members',
  })),
  webhooks: crumb((params) => ({
    to: paths.webhooks(p(params, 'workspace'), p(params, 'project')),
    label: 'Webhooks',
  })),
  manifestSets: crumb((params) => ({
    to: paths.manifestSets(p(params, 'workspace'), p(params, 'project')),
    label: 'Manifest sets',
  })),
  manifestSet: crumb((params) => ({
    to: paths.manifestSet(p(params, 'workspace'), p(params, 'project'), p(params, 'name')),
    label: p(params, 'name'),
  })),
  configSets: crumb((params) => ({
    to: paths.configSets(p(params, 'workspace'), p(params, 'project')),
    label: 'Config sets',
  })),
  configSet: crumb((params) => ({
    to: paths.configSet(p(params, 'workspace'), p(params, 'project'), p(params, 'name')),
    label: p(params, 'name'),
  })),
  releases: crumb((params) => ({
    to: paths.releases(p(params, 'workspace'), p(params, 'project')),
    label: 'Releases',
  })),
  release: crumb((params) => ({ to: paths.release(releaseRef(params)), label: `#${p(params, 'number')}` })),
  releaseDiff: crumb((params) => ({ to: paths.releaseDiff(releaseRef(params)), label: 'Compare' })),
  pipeline: crumb((params) => ({ to: paths.pipeline(pipelineRef(params)), label: p(params, 'pipeline') })),
  runs: crumb((params) => ({ to: paths.runs(pipelineRef(params)), label: 'runs' })),
  schedules: crumb((params) => ({ to: paths.schedules(pipelineRef(params)), label: 'schedules' })),
  run: crumb((params) => ({
    to: paths.run({ ...pipelineRef(params), number: p(params, 'number') }),
    label: `#${p(params, 'number')}`,
  })),
  notificationChannels: crumb((params) => ({
    to: paths.notificationChannels(p(params, 'workspace')),
    label: 'Notifications',
  })),
  approvals: crumb(() => ({ to: paths.approvals(), label: 'Approvals' })),
  approval: crumb((params) => ({ to: paths.approval(p(params, 'id')), label: 'Request' })),
  clusters: crumb(() => ({ to: paths.clusters(), label: 'Clusters' })),
  users: crumb(() => ({ to: paths.users(), label: 'Users' })),
  audit: crumb(() => ({ to: paths.audit(), label: 'Audit log' })),
  account: crumb(() => ({ to: paths.account(), label: 'Account' })),
  pipelineSpecDocs: crumb(() => ({ to: paths.pipelineSpecDocs(), label: 'Pipeline spec' })),
} satisfies Record<string, CrumbHandle>;

function pipelineRef(params: Params) {
  return {
    workspace: p(params, 'workspace'),
    project: p(params, 'project'),
    pipeline: p(params, 'pipeline'),
  };
}

function releaseRef(params: Params) {
  return { workspace: p(params, 'workspace'), project: p(params, 'project'), number: p(params, 'number') };
}

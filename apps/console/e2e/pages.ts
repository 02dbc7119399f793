// The console's main pages on the demo platform (SLIPWAY_DEMO: workspace `demo`, project
// `hello`, pipeline `ci`, environment `local`), each with the state that says it has
// rendered: shared by the layout, accessibility and screenshot runs so they visit the same
// pages. Every route of src/app/router.tsx behind sign-in is here.
import type { Page } from 'playwright-core';
import { paths } from '../src/app/paths.ts';
import { api } from './helpers.ts';
import { SEEDED, seedApprovalRequest, seedReleases } from './release-seed.ts';
import { waitForYamlEditor } from './yaml-editor.ts';

export const DEMO = { workspace: 'demo', project: 'hello', pipeline: 'ci', environment: 'local' } as const;
/** The manifest set and config set `seedDemoExtras` adds (long names: the widest rows). */
const DEMO_SETS = {
  manifests: 'storefront-manifests-with-a-long-name',
  config: 'storefront-settings',
} as const;
const PIPELINE = { workspace: DEMO.workspace, project: DEMO.project, pipeline: DEMO.pipeline };

/** A page to visit: a short name (file names, messages), its path, and its rendered state. */
export interface MainPage {
  name: string;
  path: string;
  ready: (page: Page) => Promise<void>;
}

const table = (name: string) => (page: Page) => page.getByRole('table', { name }).waitFor();
const heading = (name: string | RegExp) => (page: Page) =>
  page.getByRole('heading', typeof name === 'string' ? { name, exact: true } : { name }).waitFor();
/**
 * A release page has loaded: its tabs or diff (releases seeded by `seedDemoExtras` given a
 * database), or the API's "not found" where nothing could be seeded (the console scripts run
 * on the embedded database).
 */
const releaseLoaded = (loaded: (page: Page) => ReturnType<Page['getByRole']>) => (page: Page) =>
  loaded(page)
    .or(page.getByText(/Cannot (open|compare)/))
    .first()
    .waitFor();
const RELEASE = { workspace: DEMO.workspace, project: DEMO.project, number: 2 };

/**
 * Every page behind sign-in, in the router's order; run #1 exists after `seedDemoExtras`, and
 * releases 1–3 of `hello` when it was given the database.
 */
export const MAIN_PAGES: readonly MainPage[] = [
  { name: 'workspaces', path: paths.workspaces(), ready: table('Workspaces') },
  { name: 'workspace', path: paths.workspace(DEMO.workspace), ready: table('Projects') },
  { name: 'project', path: paths.project(DEMO.workspace, DEMO.project), ready: table('Pipelines') },
  {
    name: 'pipeline',
    path: paths.pipeline(PIPELINE),
    ready: async (page) => {
      await page.getByRole('table', { name: 'Revisions' }).waitFor();
      await page.getByRole('article').first().waitFor();
      await waitForYamlEditor(page);
    },
  },
  { name: 'runs', path: paths.runs(PIPELINE), ready: table('Runs') },
  { name: 'run', path: paths.run({ ...PIPELINE, number: 1 }), ready: heading(/^Run #1/) },
  // The demo has no schedules: the list page shows its empty state under its heading.
  { name: 'schedules', path: paths.schedules(PIPELINE), ready: heading('Schedules') },
  {
    name: 'releases',
    path: paths.releases(DEMO.workspace, DEMO.project),
    ready: heading(`Releases of ${DEMO.project}`),
  },
  {
    name: 'release',
    path: paths.release(RELEASE),
    ready: releaseLoaded((page) => page.getByRole('tab', { name: 'Overview' })),
  },
  {
    name: 'release-diff',
    path: paths.releaseDiff({ ...RELEASE, number: 1, to: 2 }),
    ready: releaseLoaded((page) => page.getByRole('heading', { name: 'Commits' })),
  },
  {
    name: 'project-members',
    path: paths.projectMembers(DEMO.workspace, DEMO.project),
    // No project members yet: the list page shows its empty state, not an empty table.
    ready: heading(`Members of ${DEMO.project}`),
  },
  { name: 'webhooks', path: paths.webhooks(DEMO.workspace, DEMO.project), ready: table('Webhooks') },
  {
    name: 'manifest-sets',
    path: paths.manifestSets(DEMO.workspace, DEMO.project),
    ready: table('Manifest sets'),
  },
  {
    name: 'manifest-set',
    path: paths.manifestSet(DEMO.workspace, DEMO.project, DEMO_SETS.manifests),
    ready: (page) => waitForYamlEditor(page, 'Manifest deploy/storefront.yaml'),
  },
  { name: 'config-sets', path: paths.configSets(DEMO.workspace, DEMO.project), ready: table('Config sets') },
  {
    name: 'config-set',
    path: paths.configSet(DEMO.workspace, DEMO.project, DEMO_SETS.config),
    ready: table(`Versions in ${DEMO.environment}`),
  },
  { name: 'workspace-members', path: paths.workspaceMembers(DEMO.workspace), ready: table('Roles') },
  { name: 'environments', path: paths.environments(DEMO.workspace), ready: table('Environments') },
  {
    name: 'environment',
    path: paths.environment(DEMO.workspace, DEMO.environment),
    ready: heading(DEMO.environment),
  },
  { name: 'credentials', path: paths.credentials(DEMO.workspace), ready: heading('Credentials') },
  { name: 'templates', path: paths.templates(DEMO.workspace), ready: heading('Pipeline templates') },
  {
    name: 'notification-channels',
    path: paths.notificationChannels(DEMO.workspace),
    ready: heading('Notifications'),
  },
  { name: 'approvals', path: paths.approvals({ status: 'all' }), ready: heading('Approvals') },
  {
    name: 'approval',
    path: paths.approval(SEEDED.approvalId),
    ready: releaseLoaded((page) => page.getByRole('heading', { name: 'Manifests' })),
  },
  { name: 'users', path: paths.users(), ready: table('Users') },
  { name: 'clusters', path: paths.clusters(), ready: heading('Clusters') },
  { name: 'audit', path: paths.audit(), ready: table('Audit events') },
  { name: 'account', path: paths.account(), ready: table('Sessions') },
  { name: 'docs', path: paths.pipelineSpecDocs(), ready: table('Fields') },
  { name: 'not-found', path: '/no-such-page', ready: heading('Page not found') },
];

/**
 * Gives the demo platform the rows that make its pages widest: run #1 of `ci`, a custom role
 * with many permissions (the widest row of the roles table), a webhook (row actions and a
 * visually hidden column header), a manifest set and a config set with a version; given the
 * server's database (`postgres://…`), releases of `hello` in `local` too (no endpoint writes a
 * release without a cluster). `page` must be signed in as the admin.
 */
export async function seedDemoExtras(page: Page, databaseUrl?: string): Promise<void> {
  if (databaseUrl) {
    const target = { workspace: DEMO.workspace, project: DEMO.project, environment: DEMO.environment };
    await seedReleases(databaseUrl, target);
    await seedApprovalRequest(databaseUrl, target);
  }
  const project = `/api/v1${paths.project(DEMO.workspace, DEMO.project)}`;
  await api(page, 'POST', `${project}/pipelines/${DEMO.pipeline}/runs`, {
    releaseType: 'full',
    environment: DEMO.environment,
  });
  await api(page, 'POST', `/api/v1${paths.workspace(DEMO.workspace)}/roles`, {
    name: 'release-captain-with-a-long-name',
    scope: 'project',
    permissions: [
      'project.read',
      'project.update',
      'pipeline.edit',
      'pipeline.run',
      'config.edit',
      'deploy.nonproduction',
      'deploy.production',
      'approval.decide',
      'release.rollback',
    ],
  });
  await api(page, 'POST', `${project}/webhooks`, {
    name: 'github-pushes-and-tags',
    provider: 'github',
    events: ['push', 'tag'],
    pipeline: DEMO.pipeline,
    releaseType: 'full',
    environment: DEMO.environment,
    secret: 'a-webhook-secret-of-some-length',
  });
  await api(page, 'POST', `${project}/manifest-sets`, {
    name: DEMO_SETS.manifests,
    files: {
      'deploy/storefront.yaml': [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: storefront',
        'spec:',
        '  selector:',
        '    app: storefront',
        '  ports:',
        '    - port: 80',
        '',
      ].join('\n'),
    },
    message: 'A Service in front of the storefront',
  });
  await api(page, 'POST', `${project}/config-sets`, { name: DEMO_SETS.config });
  await api(
    page,
    'POST',
    `${project}/config-sets/${DEMO_SETS.config}/environments/${DEMO.environment}/versions`,
    {
      data: { LOG_LEVEL: 'info', 'application.yml': 'server:\n  port: 8080\n' },
      message: 'First settings',
    },
  );
}

// Every operation in the OpenAPI document × every kind of caller: what is allowed and
// what is refused. An operation without a row here fails the test, so a new route cannot
// ship without a permission rule.
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { postgresSkipReason } from '@slipway/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  buildTestApp,
  type SignedInClient,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { UNREACHABLE_KUBECONFIG } from '../../../test/unreachable-cluster.ts';

const PRINCIPALS = [
  'anonymous',
  'platform-admin',
  'workspace-admin',
  'workspace-member',
  'workspace-viewer',
  'project-admin',
  'developer',
  'operator',
  'viewer',
  'read-token',
] as const;
type Principal = (typeof PRINCIPALS)[number];

const AUTHED = PRINCIPALS.filter((p) => p !== 'anonymous');
const WRITERS = AUTHED.filter((p) => p !== 'read-token');
/** Everyone with a role in the workspace or one of its projects (and a token of such a user). */
const VISIBLE = AUTHED;
const ADMINS: Principal[] = ['platform-admin', 'workspace-admin'];
const PROJECT_ADMINS: Principal[] = [...ADMINS, 'project-admin'];
const PLATFORM: Principal[] = ['platform-admin'];
const PASSWORD = 'matrix-test-password';
const SPEC =
  'stages:\n  - name: build\n    jobs:\n      - name: compile\n        image: alpine\n        steps:\n          - run: make\n';
const EDITORS: Principal[] = [...PROJECT_ADMINS, 'developer', 'operator'];
const APPROVERS: Principal[] = [...PROJECT_ADMINS, 'operator'];
const GATED = 'stages:\n  - name: approve\n    approval: { role: operator, allowSelfApproval: true }\n';
const RUNS = (f: Fixture) => `${W(f)}/projects/p/pipelines/ci/runs`;
const SCHEDULES = (f: Pick<Fixture, 'ws'>) => `/api/v1/workspaces/${f.ws}/projects/p/pipelines/ci/schedules`;
const TEMPLATE =
  'inputs:\n  - name: image\n    default: alpine\nstages:\n  - name: build\n    jobs:\n      - name: compile\n        image: ${{ inputs.image }}\n        steps:\n          - run: make\n';
const KUBECONFIG = UNREACHABLE_KUBECONFIG;
const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n';
const MANIFESTS = (f: Fixture) => `${W(f)}/projects/p/manifest-sets`;
const CONFIG = (f: Fixture) => `${W(f)}/projects/p/config-sets`;
const HOOK_SECRET = 'matrix-webhook-secret';
const PING = JSON.stringify({ zen: 'Design for failure.' });

/** Names of one principal's own objects, so destructive calls never touch another's. */
interface Fixture {
  i: number;
  ws: string;
  emptyWs: string;
  user: string;
  password: string;
  otherSession: string;
  tokenId: string;
  /** The id of webhook `hook` of project p, for the public receiver. */
  webhookId: string;
  /** Schedules of pipeline ci: the first is read and changed, the second deleted. */
  scheduleIds: [string, string];
  /** An audit entry of the fixture's workspace. */
  auditEventId: string;
  /** The deploy approval of release 3 of project p (awaiting approval in environment e). */
  approvalId: string;
}

interface Row {
  operationId: string;
  /** Who may; everyone else must get 401, 403 or 404. `public`: no sign-in needed. */
  allow: readonly Principal[] | 'public';
  request: (f: Fixture) => InjectOptions;
  /** Statuses that still mean "allowed" (the service refused for another reason). */
  alsoAllowed?: number[];
  /** Only a job's own token is accepted (job-files routes): every user, signed in or not, gets 401. */
  jobTokenOnly?: boolean;
}

const get = (url: string, query?: Record<string, string>): InjectOptions => ({
  method: 'GET',
  url,
  ...(query ? { query } : {}),
});
const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object): InjectOptions => ({
  method,
  url,
  ...(payload ? { payload } : {}),
});
const W = (f: Fixture) => `/api/v1/workspaces/${f.ws}`;

// Ordered: reads, then creates and updates, deletes last.
const ROWS: Row[] = [
  { operationId: 'getLiveness', allow: 'public', request: () => get('/healthz') },
  { operationId: 'getReadiness', allow: 'public', request: () => get('/readyz') },
  {
    operationId: 'login',
    allow: 'public',
    request: (f) => send('POST', '/api/v1/auth/login', { username: `t${f.i}`, password: PASSWORD }),
  },
  {
    operationId: 'acceptInvite',
    allow: 'public',
    request: () =>
      send('POST', '/api/v1/auth/invite', { token: 'not-a-real-invite', password: 'long-enough-password' }),
    alsoAllowed: [400],
  },
  { operationId: 'listSignInProviders', allow: 'public', request: () => get('/api/v1/auth/providers') },
  // OIDC is not configured in this app: the public routes answer 404, never 401.
  {
    operationId: 'startOidcSignIn',
    allow: 'public',
    request: () => get('/api/v1/auth/oidc/login'),
    alsoAllowed: [404],
  },
  {
    operationId: 'finishOidcSignIn',
    allow: 'public',
    request: () => get('/api/v1/auth/oidc/callback', { code: 'x', state: 'y' }),
    alsoAllowed: [404],
  },
  { operationId: 'getCurrentSession', allow: AUTHED, request: () => get('/api/v1/me') },
  {
    operationId: 'getMyPermissions',
    allow: AUTHED,
    request: (f) => get('/api/v1/me/permissions', { workspace: f.ws }),
  },
  { operationId: 'listMySessions', allow: AUTHED, request: () => get('/api/v1/me/sessions') },
  { operationId: 'listMyTokens', allow: AUTHED, request: () => get('/api/v1/me/tokens') },
  { operationId: 'listPermissions', allow: AUTHED, request: () => get('/api/v1/permissions') },
  { operationId: 'listUsers', allow: PLATFORM, request: () => get('/api/v1/users') },
  { operationId: 'getUser', allow: PLATFORM, request: (f) => get(`/api/v1/users/t${f.i}`) },
  { operationId: 'listClusters', allow: PLATFORM, request: () => get('/api/v1/clusters') },
  { operationId: 'getCluster', allow: PLATFORM, request: (f) => get(`/api/v1/clusters/c${f.i}`) },
  { operationId: 'listAuditEvents', allow: PLATFORM, request: () => get('/api/v1/audit-events') },
  { operationId: 'exportAuditEvents', allow: PLATFORM, request: () => get('/api/v1/audit-events/export') },
  {
    operationId: 'getAuditEvent',
    // The read token belongs to a workspace admin: reading is what it may do.
    allow: [...ADMINS, 'read-token'],
    request: (f) => get(`/api/v1/audit-events/${f.auditEventId}`),
  },
  { operationId: 'listWorkspaces', allow: AUTHED, request: () => get('/api/v1/workspaces') },
  { operationId: 'getWorkspace', allow: VISIBLE, request: (f) => get(W(f)) },
  { operationId: 'listProjects', allow: VISIBLE, request: (f) => get(`${W(f)}/projects`) },
  { operationId: 'getProject', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p`) },
  { operationId: 'listEnvironments', allow: VISIBLE, request: (f) => get(`${W(f)}/environments`) },
  { operationId: 'getEnvironment', allow: VISIBLE, request: (f) => get(`${W(f)}/environments/e`) },
  {
    operationId: 'getEnvironmentWorkloads',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/environments/e/workloads`),
    alsoAllowed: [400], // a local-executor environment has no cluster workloads
  },
  {
    operationId: 'getEnvironmentKubernetesSchema',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/environments/e/kubernetes-schema`),
    alsoAllowed: [409], // a local-executor environment has no cluster to read the schema from
  },
  {
    operationId: 'getBuiltInKubernetesSchema',
    allow: AUTHED,
    request: () => get('/api/v1/kubernetes-schema'),
  },
  { operationId: 'listCredentials', allow: VISIBLE, request: (f) => get(`${W(f)}/credentials`) },
  {
    operationId: 'listNotificationChannels',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/notification-channels`),
  },
  {
    operationId: 'listNotificationDeliveries',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/notification-channels/nc/deliveries`),
  },
  { operationId: 'getCredential', allow: VISIBLE, request: (f) => get(`${W(f)}/credentials/cr`) },
  { operationId: 'listWorkspaceMembers', allow: VISIBLE, request: (f) => get(`${W(f)}/members`) },
  { operationId: 'listProjectMembers', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/members`) },
  {
    operationId: 'getPipelineJsonSchema',
    allow: AUTHED,
    request: () => get('/api/v1/schemas/pipeline.json'),
  },
  { operationId: 'listPipelines', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/pipelines`) },
  { operationId: 'getPipeline', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/pipelines/ci`) },
  {
    operationId: 'listPipelineRevisions',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/projects/p/pipelines/ci/revisions`),
  },
  {
    operationId: 'getPipelineRevision',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/projects/p/pipelines/ci/revisions/1`),
  },
  { operationId: 'listRuns', allow: VISIBLE, request: (f) => get(RUNS(f)) },
  { operationId: 'listApprovals', allow: AUTHED, request: () => get('/api/v1/approvals', { status: 'all' }) },
  { operationId: 'countApprovals', allow: AUTHED, request: () => get('/api/v1/approvals/count') },
  { operationId: 'getApproval', allow: VISIBLE, request: (f) => get(`/api/v1/approvals/${f.approvalId}`) },
  { operationId: 'getRun', allow: VISIBLE, request: (f) => get(`${RUNS(f)}/1`) },
  { operationId: 'streamRunEvents', allow: VISIBLE, request: (f) => get(`${RUNS(f)}/1/events`) },
  { operationId: 'getRunTests', allow: VISIBLE, request: (f) => get(`${RUNS(f)}/1/tests`) },
  {
    operationId: 'getStepLog',
    allow: VISIBLE,
    request: (f) => get(`${RUNS(f)}/1/jobs/compile/steps/0/log`),
  },
  // Caches (K's; added with the merge): read with the project, cleared by whoever may update it.
  { operationId: 'listCaches', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/caches`) },
  {
    operationId: 'clearCaches',
    allow: PROJECT_ADMINS,
    request: (f) => send('DELETE', `${W(f)}/projects/p/caches`),
  },
  // Artifacts: whoever may read the run.
  { operationId: 'listRunArtifacts', allow: VISIBLE, request: (f) => get(`${RUNS(f)}/1/artifacts`) },
  {
    operationId: 'downloadRunJobArtifacts',
    allow: VISIBLE,
    request: (f) => get(`${RUNS(f)}/1/artifacts/compile`),
  },
  { operationId: 'listProjectReleases', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/releases`) },
  { operationId: 'getRelease', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/releases/1`) },
  {
    operationId: 'listReleaseObjects',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/projects/p/releases/1/objects`),
  },
  { operationId: 'getReleaseLog', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/releases/1/log`) },
  {
    operationId: 'diffReleases',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/projects/p/releases/1/diff`, { to: '2' }),
  },
  {
    operationId: 'listEnvironmentReleases',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/environments/e/releases`),
  },
  { operationId: 'getEnvironmentLive', allow: VISIBLE, request: (f) => get(`${W(f)}/environments/e/live`) },
  {
    operationId: 'getEnvironmentApprovalsReport',
    // The read token belongs to a workspace admin: reading is what it may do.
    allow: [...ADMINS, 'read-token'],
    request: (f) => get(`${W(f)}/environments/e/approvals-report`),
  },
  { operationId: 'listWebhooks', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/webhooks`) },
  { operationId: 'getWebhook', allow: VISIBLE, request: (f) => get(`${W(f)}/projects/p/webhooks/hook`) },
  {
    operationId: 'listWebhookDeliveries',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/projects/p/webhooks/hook/deliveries`),
  },
  {
    // The receiver needs no sign-in, only the webhook's signature: a signed ping is answered.
    operationId: 'receiveWebhook',
    allow: 'public',
    request: (f) => ({
      method: 'POST',
      url: `/api/v1/hooks/${f.webhookId}`,
      payload: PING,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', HOOK_SECRET).update(PING).digest('hex')}`,
      },
    }),
  },
  {
    operationId: 'createRun',
    allow: EDITORS,
    request: (f) => send('POST', RUNS(f), { releaseType: 'default', environment: 'e' }),
  },
  // Schedules: read with the project, saved by whoever may run the pipeline in the environment.
  { operationId: 'listSchedules', allow: VISIBLE, request: (f) => get(SCHEDULES(f)) },
  {
    operationId: 'getSchedule',
    allow: VISIBLE,
    request: (f) => get(`${SCHEDULES(f)}/${f.scheduleIds[0]}`),
  },
  {
    operationId: 'createSchedule',
    allow: EDITORS,
    request: (f) =>
      send('POST', SCHEDULES(f), {
        cron: '0 4 * * *',
        timezone: 'UTC',
        releaseType: 'default',
        environment: 'e',
      }),
  },
  {
    operationId: 'updateSchedule',
    allow: EDITORS,
    request: (f) => send('PATCH', `${SCHEDULES(f)}/${f.scheduleIds[0]}`, { cron: '0 5 * * *' }),
  },
  { operationId: 'retryRun', allow: EDITORS, request: (f) => send('POST', `${RUNS(f)}/1/retry`, {}) },
  {
    operationId: 'rollbackRelease',
    allow: EDITORS,
    request: (f) => send('POST', `${W(f)}/projects/p/releases/1/rollback`, {}),
    alsoAllowed: [400], // environment e has no cluster to deploy to
  },
  {
    operationId: 'breakReleaseFreeze',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/projects/p/releases/1/break-freeze`, { reason: 'hotfix' }),
    alsoAllowed: [409], // release 1 does not wait
  },
  { operationId: 'getEnvironmentQueue', allow: VISIBLE, request: (f) => get(`${W(f)}/environments/e/queue`) },
  {
    operationId: 'promoteRelease',
    allow: EDITORS,
    request: (f) => send('POST', `${W(f)}/projects/p/releases/2/promote`, { environment: 'e2' }),
    alsoAllowed: [400], // e2 shares e's place in the environment order: it is not the next one
  },
  {
    operationId: 'copyEnvironment',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/environments/e/copy`, { to: 'e2' }),
    alsoAllowed: [400], // e2 has no cluster to deploy to
  },
  { operationId: 'cancelRun', allow: EDITORS, request: (f) => send('POST', `${RUNS(f)}/2/cancel`) },
  // Whoever may start a run in its environment (e: not production) may play its manual job.
  {
    operationId: 'playJob',
    allow: EDITORS,
    request: (f) => send('POST', `${RUNS(f)}/2/jobs/compile/play`, {}),
  },
  {
    operationId: 'decideApproval',
    allow: APPROVERS,
    request: (f) =>
      send('POST', `${W(f)}/projects/p/pipelines/gated/runs/1/approvals/approve`, { decision: 'approve' }),
  },
  {
    operationId: 'decideApprovalRequest',
    allow: APPROVERS,
    request: (f) =>
      send('POST', `/api/v1/approvals/${f.approvalId}/decisions`, { decision: 'reject', comment: 'not now' }),
  },
  {
    operationId: 'validatePipeline',
    allow: WRITERS,
    request: (f) => send('POST', `${W(f)}/projects/p/pipelines/validate`, { spec: SPEC }),
  },
  {
    operationId: 'createPipeline',
    allow: EDITORS,
    request: (f) => send('POST', `${W(f)}/projects/p/pipelines`, { name: 'created', spec: SPEC }),
  },
  {
    operationId: 'updatePipeline',
    allow: EDITORS,
    request: (f) => ({
      method: 'PUT',
      url: `${W(f)}/projects/p/pipelines/ci`,
      payload: { spec: SPEC, baseRevision: 1 },
    }),
  },
  {
    operationId: 'restorePipelineRevision',
    allow: EDITORS,
    // On top of revision 2, which updatePipeline (the same roles) has just saved.
    request: (f) => send('POST', `${W(f)}/projects/p/pipelines/ci/revisions/1/restore`, { baseRevision: 2 }),
  },
  {
    operationId: 'deletePipeline',
    allow: EDITORS,
    request: (f) => send('DELETE', `${W(f)}/projects/p/pipelines/ci2`),
  },
  // Manifest sets and config sets: read with the project, changed with config.edit.
  { operationId: 'listManifestSets', allow: VISIBLE, request: (f) => get(MANIFESTS(f)) },
  { operationId: 'getManifestSet', allow: VISIBLE, request: (f) => get(`${MANIFESTS(f)}/m`) },
  { operationId: 'listManifestVersions', allow: VISIBLE, request: (f) => get(`${MANIFESTS(f)}/m/versions`) },
  { operationId: 'getManifestVersion', allow: VISIBLE, request: (f) => get(`${MANIFESTS(f)}/m/versions/1`) },
  {
    operationId: 'validateManifests',
    allow: WRITERS,
    request: (f) => send('POST', `${MANIFESTS(f)}/validate`, { files: { 'a.yaml': MANIFEST } }),
  },
  {
    operationId: 'createManifestSet',
    allow: EDITORS,
    request: (f) => send('POST', MANIFESTS(f), { name: 'created', files: { 'a.yaml': MANIFEST } }),
  },
  {
    operationId: 'createManifestVersion',
    allow: EDITORS,
    request: (f) => send('POST', `${MANIFESTS(f)}/m/versions`, { files: { 'a.yaml': MANIFEST } }),
  },
  { operationId: 'deleteManifestSet', allow: EDITORS, request: (f) => send('DELETE', `${MANIFESTS(f)}/m2`) },
  { operationId: 'listConfigSets', allow: VISIBLE, request: (f) => get(CONFIG(f)) },
  { operationId: 'getConfigSet', allow: VISIBLE, request: (f) => get(`${CONFIG(f)}/c`) },
  {
    operationId: 'listConfigVersions',
    allow: VISIBLE,
    request: (f) => get(`${CONFIG(f)}/c/environments/e/versions`),
  },
  {
    operationId: 'getConfigVersion',
    allow: VISIBLE,
    request: (f) => get(`${CONFIG(f)}/c/environments/e/versions/1`),
  },
  {
    operationId: 'diffConfigVersions',
    allow: VISIBLE,
    request: (f) => get(`${CONFIG(f)}/c/environments/e/diff`, { from: '1', to: '1' }),
  },
  {
    operationId: 'createConfigSet',
    allow: EDITORS,
    request: (f) => send('POST', CONFIG(f), { name: 'created' }),
  },
  {
    operationId: 'createConfigVersion',
    allow: EDITORS,
    request: (f) => send('POST', `${CONFIG(f)}/c/environments/e/versions`, { data: { KEY: 'value' } }),
  },
  { operationId: 'deleteConfigSet', allow: EDITORS, request: (f) => send('DELETE', `${CONFIG(f)}/c2`) },
  { operationId: 'listPipelineTemplates', allow: VISIBLE, request: (f) => get(`${W(f)}/pipeline-templates`) },
  { operationId: 'getPipelineTemplate', allow: VISIBLE, request: (f) => get(`${W(f)}/pipeline-templates/t`) },
  {
    operationId: 'getPipelineTemplateVersion',
    allow: VISIBLE,
    request: (f) => get(`${W(f)}/pipeline-templates/t/versions/1`),
  },
  {
    operationId: 'createPipelineTemplate',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/pipeline-templates`, { name: 'created', spec: TEMPLATE }),
  },
  {
    operationId: 'publishPipelineTemplateVersion',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/pipeline-templates/t/versions`, { spec: TEMPLATE }),
  },
  { operationId: 'listRoles', allow: VISIBLE, request: (f) => get(`${W(f)}/roles`) },
  {
    operationId: 'createMyToken',
    allow: WRITERS,
    request: () => send('POST', '/api/v1/me/tokens', { name: 'ci', scope: 'read' }),
  },
  {
    operationId: 'createUser',
    allow: PLATFORM,
    request: (f) => send('POST', '/api/v1/users', { username: `new${f.i}`, password: PASSWORD }),
  },
  {
    operationId: 'updateUser',
    allow: PLATFORM,
    request: (f) => send('PATCH', `/api/v1/users/t${f.i}`, { displayName: 'Target' }),
  },
  {
    operationId: 'createCluster',
    allow: PLATFORM,
    request: (f) => send('POST', '/api/v1/clusters', { name: `new${f.i}`, kubeconfig: KUBECONFIG }),
  },
  {
    operationId: 'updateCluster',
    allow: PLATFORM,
    request: (f) => send('PATCH', `/api/v1/clusters/c${f.i}`, { description: 'changed' }),
  },
  {
    operationId: 'checkCluster',
    allow: PLATFORM,
    request: (f) => send('POST', `/api/v1/clusters/c${f.i}/check`),
  },
  {
    operationId: 'createWorkspace',
    allow: PLATFORM,
    request: (f) => send('POST', '/api/v1/workspaces', { slug: `created-${f.i}`, name: 'Created' }),
  },
  {
    operationId: 'updateWorkspace',
    allow: ADMINS,
    request: (f) => send('PATCH', W(f), { description: 'changed' }),
  },
  {
    operationId: 'createProject',
    allow: [...ADMINS, 'workspace-member'],
    request: (f) => send('POST', `${W(f)}/projects`, { slug: 'created', name: 'Created' }),
  },
  {
    operationId: 'updateProject',
    allow: PROJECT_ADMINS,
    request: (f) => send('PATCH', `${W(f)}/projects/p`, { description: 'changed' }),
  },
  {
    operationId: 'createWebhook',
    allow: PROJECT_ADMINS,
    request: (f) =>
      send('POST', `${W(f)}/projects/p/webhooks`, {
        name: 'created',
        provider: 'gitlab',
        events: ['tag'],
        pipeline: 'ci',
        releaseType: 'default',
        environment: 'e',
      }),
  },
  {
    operationId: 'updateWebhook',
    allow: PROJECT_ADMINS,
    request: (f) => send('PATCH', `${W(f)}/projects/p/webhooks/hook`, { branches: ['main'] }),
  },
  {
    operationId: 'createEnvironment',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/environments`, { name: 'created' }),
  },
  {
    operationId: 'updateEnvironment',
    allow: ADMINS,
    request: (f) => send('PATCH', `${W(f)}/environments/e`, { order: 3 }),
  },
  {
    operationId: 'createCredential',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/credentials`, { name: 'created', type: 'token', secret: 's3cret' }),
  },
  {
    operationId: 'createNotificationChannel',
    allow: ADMINS,
    request: (f) =>
      send('POST', `${W(f)}/notification-channels`, {
        name: 'created',
        type: 'slack',
        url: 'http://127.0.0.1:1/',
      }),
  },
  {
    operationId: 'updateNotificationChannel',
    allow: ADMINS,
    request: (f) => send('PATCH', `${W(f)}/notification-channels/nc`, { enabled: false }),
  },
  {
    operationId: 'testNotificationChannel',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/notification-channels/nc/test`),
  },
  {
    operationId: 'updateCredential',
    allow: ADMINS,
    request: (f) => send('PUT', `${W(f)}/credentials/cr`, { secret: 'rotated' }),
  },
  {
    operationId: 'createRole',
    allow: ADMINS,
    request: (f) =>
      send('POST', `${W(f)}/roles`, { name: 'created', scope: 'project', permissions: ['project.read'] }),
  },
  {
    operationId: 'updateRole',
    allow: ADMINS,
    request: (f) => send('PATCH', `${W(f)}/roles/r`, { permissions: ['project.read', 'pipeline.run'] }),
  },
  {
    operationId: 'addWorkspaceMember',
    allow: ADMINS,
    request: (f) => send('POST', `${W(f)}/members`, { user: `add${f.i}`, role: 'workspace-viewer' }),
  },
  {
    operationId: 'updateWorkspaceMember',
    allow: ADMINS,
    request: (f) => send('PATCH', `${W(f)}/members/m${f.i}`, { role: 'workspace-member' }),
  },
  {
    operationId: 'addProjectMember',
    allow: PROJECT_ADMINS,
    request: (f) => send('POST', `${W(f)}/projects/p/members`, { user: `add${f.i}`, role: 'viewer' }),
  },
  {
    operationId: 'updateProjectMember',
    allow: PROJECT_ADMINS,
    request: (f) => send('PATCH', `${W(f)}/projects/p/members/pm${f.i}`, { role: 'developer' }),
  },
  {
    operationId: 'revokeMySession',
    allow: WRITERS,
    request: (f) => send('DELETE', `/api/v1/me/sessions/${f.otherSession}`),
  },
  {
    operationId: 'revokeMyToken',
    allow: WRITERS,
    request: (f) => send('DELETE', `/api/v1/me/tokens/${f.tokenId}`),
  },
  {
    operationId: 'changeMyPassword',
    allow: WRITERS,
    // After revokeMySession: a password change ends the caller's other sessions.
    request: (f) =>
      send('POST', '/api/v1/me/password', { currentPassword: f.password, newPassword: `${f.password}-2` }),
  },
  {
    operationId: 'removeProjectMember',
    allow: PROJECT_ADMINS,
    request: (f) => send('DELETE', `${W(f)}/projects/p/members/pm${f.i}`),
  },
  {
    operationId: 'removeWorkspaceMember',
    allow: ADMINS,
    request: (f) => send('DELETE', `${W(f)}/members/m${f.i}`),
  },
  { operationId: 'deleteRole', allow: ADMINS, request: (f) => send('DELETE', `${W(f)}/roles/r2`) },
  {
    operationId: 'deleteSchedule',
    allow: EDITORS,
    request: (f) => send('DELETE', `${SCHEDULES(f)}/${f.scheduleIds[1]}`),
  },
  {
    operationId: 'deleteWebhook',
    allow: PROJECT_ADMINS,
    request: (f) => send('DELETE', `${W(f)}/projects/p/webhooks/hook2`),
  },
  {
    operationId: 'deleteEnvironment',
    allow: ADMINS,
    request: (f) => send('DELETE', `${W(f)}/environments/e2`),
  },
  {
    operationId: 'deleteNotificationChannel',
    allow: ADMINS,
    request: (f) => send('DELETE', `${W(f)}/notification-channels/nc2`),
  },
  {
    operationId: 'deleteCredential',
    allow: ADMINS,
    request: (f) => send('DELETE', `${W(f)}/credentials/cr2`),
  },
  {
    operationId: 'deleteProject',
    allow: PROJECT_ADMINS,
    request: (f) => send('DELETE', `${W(f)}/projects/p2`),
  },
  {
    operationId: 'deleteWorkspace',
    allow: ADMINS,
    request: (f) => send('DELETE', `/api/v1/workspaces/${f.emptyWs}`),
  },
  {
    operationId: 'deleteCluster',
    allow: PLATFORM,
    request: (f) => send('DELETE', `/api/v1/clusters/d${f.i}`),
  },
  { operationId: 'deleteUser', allow: PLATFORM, request: (f) => send('DELETE', `/api/v1/users/t${f.i}`) },
  { operationId: 'logout', allow: WRITERS, request: () => send('POST', '/api/v1/auth/logout') },
  // A job's restore and upload steps, with the job's token: no user may call them.
  ...(
    [
      ['uploadJobArtifacts', 'PUT', '/api/v1/job-files/artifacts'],
      ['listJobArtifacts', 'GET', '/api/v1/job-files/artifacts'],
      ['downloadJobArtifacts', 'GET', '/api/v1/job-files/artifacts/build'],
      ['uploadJobReports', 'PUT', '/api/v1/job-files/reports'],
      ['downloadJobCache', 'GET', '/api/v1/job-files/cache?key=k'],
      ['uploadJobCache', 'PUT', '/api/v1/job-files/cache?key=k'],
    ] as const
  ).map(
    ([operationId, method, url]): Row => ({
      operationId,
      allow: [],
      jobTokenOnly: true,
      request: () => ({
        method,
        url,
        ...(method === 'PUT' ? { payload: 'x', headers: { 'content-type': 'application/gzip' } } : {}),
      }),
    }),
  ),
];

const ROLE_OF: Partial<Record<Principal, { workspace?: string; project?: string }>> = {
  'workspace-admin': { workspace: 'workspace-admin' },
  'workspace-member': { workspace: 'workspace-member' },
  'workspace-viewer': { workspace: 'workspace-viewer' },
  'project-admin': { project: 'project-admin' },
  developer: { project: 'developer' },
  operator: { project: 'operator' },
  viewer: { project: 'viewer' },
  'read-token': { workspace: 'workspace-admin' },
};

describe.skipIf(postgresSkipReason())('route × role matrix', () => {
  let t: TestApp;
  let admin: SignedInClient;
  const callers = new Map<
    Principal,
    { fixture: Fixture; call: (options: InjectOptions) => Promise<number> }
  >();

  async function ok(options: InjectOptions) {
    const response = await admin.request(options);
    if (response.statusCode >= 300)
      throw new Error(`setup ${options.method} ${options.url}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async function fixtureFor(principal: Principal, i: number) {
    const ws = `w${i}`;
    const emptyWs = `w${i}x`;
    const user = principal === 'platform-admin' ? 'admin' : `u${i}`;
    for (const name of [`u${i}`, `t${i}`, `m${i}`, `pm${i}`, `add${i}`]) {
      await ok(send('POST', '/api/v1/users', { username: name, password: PASSWORD }));
    }
    for (const name of [`c${i}`, `d${i}`])
      await ok(send('POST', '/api/v1/clusters', { name, kubeconfig: KUBECONFIG }));
    for (const slug of [ws, emptyWs]) await ok(send('POST', '/api/v1/workspaces', { slug, name: slug }));
    for (const slug of ['p', 'p2'])
      await ok(send('POST', `/api/v1/workspaces/${ws}/projects`, { slug, name: slug }));
    for (const name of ['e', 'e2']) await ok(send('POST', `/api/v1/workspaces/${ws}/environments`, { name }));
    for (const name of ['cr', 'cr2']) {
      await ok(
        send('POST', `/api/v1/workspaces/${ws}/credentials`, { name, type: 'token', secret: 's3cret' }),
      );
    }
    for (const name of ['nc', 'nc2']) {
      // A receiver nobody listens on: the test notification queued here is never delivered.
      const channel = { name, type: 'webhook', url: 'http://127.0.0.1:1/' };
      await ok(send('POST', `/api/v1/workspaces/${ws}/notification-channels`, channel));
    }
    await ok(send('POST', `/api/v1/workspaces/${ws}/pipeline-templates`, { name: 't', spec: TEMPLATE }));
    for (const name of ['ci', 'ci2'])
      await ok(send('POST', `/api/v1/workspaces/${ws}/projects/p/pipelines`, { name, spec: SPEC }));
    await ok(send('POST', `/api/v1/workspaces/${ws}/projects/p/pipelines`, { name: 'gated', spec: GATED }));
    for (const name of ['m', 'm2'])
      await ok(
        send('POST', `/api/v1/workspaces/${ws}/projects/p/manifest-sets`, {
          name,
          files: { 'a.yaml': MANIFEST },
        }),
      );
    for (const name of ['c', 'c2']) {
      await ok(send('POST', `/api/v1/workspaces/${ws}/projects/p/config-sets`, { name }));
      await ok(
        send('POST', `/api/v1/workspaces/${ws}/projects/p/config-sets/${name}/environments/e/versions`, {
          data: { KEY: 'value' },
        }),
      );
    }
    const webhookIds: string[] = [];
    for (const name of ['hook', 'hook2']) {
      const webhook = await ok(
        send('POST', `/api/v1/workspaces/${ws}/projects/p/webhooks`, {
          name,
          provider: 'github',
          secret: HOOK_SECRET,
          events: ['push'],
          pipeline: 'ci',
          releaseType: 'default',
          environment: 'e',
        }),
      );
      webhookIds.push(webhook.id);
    }
    const webhookId = webhookIds[0] ?? '';
    const schedule = { cron: '0 3 * * *', timezone: 'UTC', releaseType: 'default', environment: 'e' };
    const scheduleIds: [string, string] = [
      (await ok(send('POST', SCHEDULES({ ws }), schedule))).id,
      (await ok(send('POST', SCHEDULES({ ws }), schedule))).id,
    ];
    // Runs (the engine is not running here): ci #1 finished, ci #2 queued (its job manual, to
    // be played), gated #1 at its gate.
    for (const pipeline of ['ci', 'ci', 'gated']) {
      await ok(
        send('POST', `/api/v1/workspaces/${ws}/projects/p/pipelines/${pipeline}/runs`, {
          releaseType: 'default',
          environment: 'e',
        }),
      );
    }
    const runOf = { pipeline: { project: { slug: 'p', workspace: { slug: ws } } } };
    await t.db.prisma.pipelineRun.updateMany({
      where: { number: 1, pipeline: { name: 'ci', project: { slug: 'p', workspace: { slug: ws } } } },
      data: { status: 'succeeded', finishedAt: new Date() },
    });
    await t.db.prisma.stepRun.updateMany({
      where: { jobRun: { run: { number: 1, ...runOf, pipeline: { name: 'ci', ...runOf.pipeline } } } },
      data: { status: 'succeeded', logComplete: true },
    });
    await t.db.prisma.jobRun.updateMany({
      where: { run: { number: 1, pipeline: { name: 'gated', ...runOf.pipeline } } },
      data: { status: 'waiting' },
    });
    // ci #1's job kept artifacts (stored as the job-files route stores them).
    const compiled = await t.db.prisma.jobRun.findFirstOrThrow({
      where: { name: 'compile', run: { number: 1, pipeline: { name: 'ci', ...runOf.pipeline } } },
    });
    await t.artifacts.store.saveJobArtifacts({
      jobRunId: compiled.id,
      runId: compiled.runId,
      projectId: '',
      job: 'compile',
      expiresAt: new Date(Date.now() + 3_600_000),
      entries: (async function* () {
        yield { path: 'out.txt', size: 2, stream: Readable.from([Buffer.from('ok')]) };
      })(),
    });
    await t.db.prisma.jobRun.updateMany({
      where: { run: { number: 2, pipeline: { name: 'ci', ...runOf.pipeline } } },
      data: { status: 'manual' },
    });
    for (const name of ['r', 'r2']) {
      await ok(
        send('POST', `/api/v1/workspaces/${ws}/roles`, {
          name,
          scope: 'project',
          permissions: ['project.read'],
        }),
      );
    }
    await ok(send('POST', `/api/v1/workspaces/${ws}/members`, { user: `m${i}`, role: 'workspace-viewer' }));
    await ok(send('POST', `/api/v1/workspaces/${ws}/projects/p/members`, { user: `pm${i}`, role: 'viewer' }));
    const role = ROLE_OF[principal];
    if (role?.workspace) {
      for (const slug of [ws, emptyWs]) {
        await ok(send('POST', `/api/v1/workspaces/${slug}/members`, { user: `u${i}`, role: role.workspace }));
      }
    }
    if (role?.project) {
      for (const project of ['p', 'p2']) {
        await ok(
          send('POST', `/api/v1/workspaces/${ws}/projects/${project}/members`, {
            user: `u${i}`,
            role: role.project,
          }),
        );
      }
    }

    // Releases 1 (superseded) and 2 (live) of project p in environment e.
    const project = await t.db.prisma.project.findFirstOrThrow({
      where: { slug: 'p', workspace: { slug: ws } },
    });
    const environment = await t.db.prisma.environment.findFirstOrThrow({
      where: { name: 'e', workspace: { slug: ws } },
    });
    for (const [number, status] of [
      [1, 'superseded'],
      [2, 'succeeded'],
    ] as const) {
      await t.db.prisma.release.create({
        data: {
          projectId: project.id,
          number,
          environmentId: environment.id,
          environmentName: 'e',
          namespace: 'ns',
          status,
          phase: 'done',
          image: `app:${number}`,
          objects: [],
          createdByName: 'admin',
        },
      });
    }
    // Release 3 waits for the approval of environment e's policy (one operator).
    const waiting = await t.db.prisma.release.create({
      data: {
        projectId: project.id,
        number: 3,
        environmentId: environment.id,
        environmentName: 'e',
        namespace: 'ns',
        status: 'awaiting-approval',
        image: 'app:3',
        objects: [],
        createdByName: 'admin',
        approval: {
          create: {
            workspaceId: environment.workspaceId,
            required: 1,
            approverRole: 'operator',
            allowSelfApproval: true,
            expiryMinutes: 1440,
            status: 'pending',
            requestedByName: 'admin',
            expiresAt: new Date(Date.now() + 86_400_000),
          },
        },
      },
      include: { approval: true },
    });
    const approvalId = waiting.approval?.id ?? '';
    const { id: auditEventId } = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { workspace: ws } });
    if (principal === 'anonymous') {
      const fixture = {
        i,
        ws,
        emptyWs,
        user,
        password: PASSWORD,
        otherSession: '00000000-0000-0000-0000-000000000000',
        tokenId: '00000000-0000-0000-0000-000000000000',
        webhookId,
        scheduleIds,
        auditEventId,
        approvalId,
      };
      return { fixture, call: async (options: InjectOptions) => (await t.app.inject(options)).statusCode };
    }
    const password = principal === 'platform-admin' ? ADMIN_PASSWORD : PASSWORD;
    await signIn(t.app, user, password); // a second session, for revokeMySession
    const client = await signIn(t.app, user, password);
    const otherSession = (await client.request(get('/api/v1/me/sessions')))
      .json()
      .items.find((s: { current: boolean }) => !s.current).id;
    const created = (
      await client.request(send('POST', '/api/v1/me/tokens', { name: 'to-revoke', scope: 'write' }))
    ).json();
    const fixture = {
      i,
      ws,
      emptyWs,
      user,
      password,
      otherSession,
      tokenId: created.id,
      webhookId,
      scheduleIds,
      auditEventId,
      approvalId,
    };
    if (principal === 'read-token') {
      const token = (
        await client.request(send('POST', '/api/v1/me/tokens', { name: 'read', scope: 'read' }))
      ).json().token;
      return {
        fixture,
        call: async (options: InjectOptions) =>
          (
            await t.app.inject({
              ...options,
              headers: { ...options.headers, authorization: `Bearer ${token}` },
            })
          ).statusCode,
      };
    }
    return { fixture, call: async (options: InjectOptions) => (await client.request(options)).statusCode };
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    for (const [i, principal] of PRINCIPALS.entries()) callers.set(principal, await fixtureFor(principal, i));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has a permission rule for every operation in the OpenAPI document', async () => {
    const doc = (await t.app.inject(get('/api/openapi.json'))).json() as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const operations = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    expect(operations.length).toBeGreaterThan(40);
    expect([...operations].sort()).toEqual(ROWS.map((row) => row.operationId).sort());
  });

  it.each(PRINCIPALS)('%s gets exactly what its role allows', async (principal) => {
    const caller = callers.get(principal);
    if (!caller) throw new Error(`no fixture for ${principal}`);
    const mismatches: string[] = [];
    for (const row of ROWS) {
      const options = row.request(caller.fixture);
      const status = await caller.call(options);
      const allowed = row.allow === 'public' || row.allow.includes(principal);
      const deniedStatuses = principal === 'anonymous' || row.jobTokenOnly ? [401] : [403, 404];
      const ok = allowed
        ? status < 400 || (row.alsoAllowed ?? []).includes(status)
        : deniedStatuses.includes(status);
      if (!ok)
        mismatches.push(
          `${row.operationId} (${options.method} ${options.url}) → ${status}, expected ${allowed ? 'allowed' : `one of ${deniedStatuses}`}`,
        );
    }
    expect(mismatches).toEqual([]);
  });
});

import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

const PROJECT = '/api/v1/workspaces/acme/projects/shop';
const SPEC = `releaseTypes:
  full: {}
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        steps:
          - run: echo build
`;
const POLICY = { requiredApprovals: 1, allowSelfApproval: false, expiryMinutes: 60, autoRollback: false };

/**
 * Every create/update that takes a reference to another object in its body (workspace, user,
 * role, cluster, credential, environment, pipeline) refuses one that names nothing with a 400
 * naming the field, and stores nothing; a path naming nothing is a 404.
 */
describe.skipIf(postgresSkipReason())('references in request bodies', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let scheduleId: string;
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    admin.request({ method, url, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop', 'dev');
    await seedWorkspace(admin, 'other');
    const setup: [string, object][] = [
      [`${PROJECT}/pipelines`, { name: 'ci', spec: SPEC }],
      [
        `${PROJECT}/webhooks`,
        {
          name: 'hook',
          provider: 'github',
          events: ['push'],
          pipeline: 'ci',
          releaseType: 'full',
          environment: 'dev',
        },
      ],
      ['/api/v1/users', { username: 'outsider', password: 'a-long-test-password' }],
    ];
    for (const [url, payload] of setup) {
      const response = await send('POST', url, payload);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
    const schedule = await send('POST', `${PROJECT}/pipelines/ci/schedules`, {
      cron: '0 9 * * *',
      timezone: 'UTC',
      releaseType: 'full',
      environment: 'dev',
    });
    scheduleId = schedule.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a token limited to a workspace that does not exist, or one the owner cannot see', async () => {
    const before = await t.db.prisma.apiToken.count();
    const missing = await send('POST', '/api/v1/me/tokens', { name: 'x', scope: 'read', workspace: 'nope' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([{ field: 'body.workspace', message: 'unknown workspace' }]);
    // A user who is not a member of "other" gets the same answer as for a workspace that does not exist.
    const outsider = await signIn(t.app, 'outsider', 'a-long-test-password');
    const hidden = await outsider.request({
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'x', scope: 'read', workspace: 'other' },
    });
    expect(hidden.statusCode).toBe(400);
    expect(hidden.json().details).toEqual([{ field: 'body.workspace', message: 'unknown workspace' }]);
    expect(await t.db.prisma.apiToken.count()).toBe(before);
  });

  it.each([
    ['POST', '/api/v1/workspaces/acme/members', { user: 'nobody', role: 'workspace-member' }, 'body.user'],
    ['POST', '/api/v1/workspaces/acme/members', { user: 'outsider', role: 'norole' }, 'body.role'],
    ['POST', `${PROJECT}/members`, { user: 'nobody', role: 'viewer' }, 'body.user'],
    ['POST', '/api/v1/workspaces/acme/environments', { name: 'e1', cluster: 'nocluster' }, 'body.cluster'],
    ['PATCH', '/api/v1/workspaces/acme/environments/dev', { cluster: 'nocluster' }, 'body.cluster'],
    [
      'POST',
      '/api/v1/workspaces/acme/environments',
      { name: 'e2', approvalPolicy: { ...POLICY, approverRole: 'norole' } },
      'body.approvalPolicy.approverRole',
    ],
    [
      'PATCH',
      '/api/v1/workspaces/acme/environments/dev',
      { approvalPolicy: { ...POLICY, approverRole: 'norole' } },
      'body.approvalPolicy.approverRole',
    ],
    [
      'POST',
      '/api/v1/workspaces/acme/projects',
      { slug: 'p2', name: 'p2', gitCredential: 'nocred' },
      'body.gitCredential',
    ],
    ['PATCH', PROJECT, { gitCredential: 'nocred' }, 'body.gitCredential'],
    [
      'POST',
      `${PROJECT}/pipelines/ci/runs`,
      { releaseType: 'full', environment: 'noenv' },
      'body.environment',
    ],
    [
      'POST',
      `${PROJECT}/pipelines/ci/schedules`,
      { cron: '0 9 * * *', timezone: 'UTC', releaseType: 'full', environment: 'noenv' },
      'body.environment',
    ],
    [
      'POST',
      `${PROJECT}/webhooks`,
      {
        name: 'w1',
        provider: 'github',
        events: ['push'],
        pipeline: 'nopipe',
        releaseType: 'full',
        environment: 'dev',
      },
      'body.pipeline',
    ],
    [
      'POST',
      `${PROJECT}/webhooks`,
      {
        name: 'w2',
        provider: 'github',
        events: ['push'],
        pipeline: 'ci',
        releaseType: 'full',
        environment: 'noenv',
      },
      'body.environment',
    ],
    ['PATCH', `${PROJECT}/webhooks/hook`, { pipeline: 'nopipe' }, 'body.pipeline'],
    ['PATCH', `${PROJECT}/webhooks/hook`, { environment: 'noenv' }, 'body.environment'],
    ['POST', '/api/v1/workspaces/acme/environments/dev/copy', { to: 'noenv' }, 'body.to'],
  ] as const)('%s %s %j: 400 naming %s', async (method, url, payload, field) => {
    const response = await send(method, url, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([expect.objectContaining({ field })]);
  });

  it('refuses a schedule update naming an environment that does not exist', async () => {
    const response = await send('PATCH', `${PROJECT}/pipelines/ci/schedules/${scheduleId}`, {
      environment: 'noenv',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([expect.objectContaining({ field: 'body.environment' })]);
  });

  it.each([
    ['PATCH', '/api/v1/workspaces/acme/members/nobody', { role: 'workspace-viewer' }],
    ['DELETE', '/api/v1/workspaces/acme/members/nobody', undefined],
    ['PATCH', `${PROJECT}/members/nobody`, { role: 'viewer' }],
    ['DELETE', `${PROJECT}/members/nobody`, undefined],
  ] as const)(
    '%s %s: a user in the path who does not exist is 404, not a body field',
    async (method, url, payload) => {
      const response = await send(method, url, payload);
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toMatch(/"nobody" is not a member of/);
    },
  );
});

import type { JobRun, Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  until,
} from '../../../test/helper.ts';

const PASSWORD = 'approvals-test-password';
const WORKSPACE = '/api/v1/workspaces/gates';
const PIPELINES = `${WORKSPACE}/projects/shop/pipelines`;

/** A pipeline whose first stage is a gate for `role`, then one job. */
const gated = (role: string) => `stages:
  - name: approve
    approval: { role: ${role}, count: 1, allowSelfApproval: false }
  - name: ship
    jobs:
      - name: deploy
        image: alpine:3.22
        steps:
          - run: echo shipped
`;

describe.skipIf(postgresSkipReason())('approval gates: who may decide, and rejections', () => {
  let t: TestApp;
  let admin: SignedInClient;

  async function user(username: string, projectRole: string) {
    const created = await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username, password: PASSWORD },
    });
    expect(created.statusCode, created.body).toBe(201);
    const added = await admin.request({
      method: 'POST',
      url: `${WORKSPACE}/projects/shop/members`,
      payload: { user: username, role: projectRole },
    });
    expect(added.statusCode, added.body).toBe(201);
    return signIn(t.app, username, PASSWORD);
  }

  async function role(name: string, permissions: string[]) {
    const created = await admin.request({
      method: 'POST',
      url: `${WORKSPACE}/roles`,
      payload: { name, scope: 'project', permissions },
    });
    expect(created.statusCode, created.body).toBe(201);
  }

  async function pipeline(name: string, spec: string) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
  }

  const get = async (client: SignedInClient, name: string, number: number) =>
    (await client.request({ method: 'GET', url: `${PIPELINES}/${name}/runs/${number}` })).json() as Run;

  /** Starts a run as `client` and waits until its gate is open. */
  async function waitingRun(client: SignedInClient, name: string): Promise<number> {
    const started = await client.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { number } = started.json() as Run;
    await until(`run ${name}#${number} to wait at its gate`, async () =>
      (await get(admin, name, number)).status === 'waiting' ? true : undefined,
    );
    return number;
  }

  const decide = (client: SignedInClient, name: string, number: number, payload: object) =>
    client.request({ method: 'POST', url: `${PIPELINES}/${name}/runs/${number}/approvals/approve`, payload });

  const gateOf = (run: Run): JobRun['approval'] =>
    run.jobs.find((j) => j.kind === 'approval')?.approval ?? null;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'gates', 'shop');
    const env = await admin.request({
      method: 'POST',
      url: `${WORKSPACE}/environments`,
      payload: { name: 'dev' },
    });
    expect(env.statusCode, env.body).toBe(201);
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a gate naming a custom role needs that role’s permissions, read at decision time', async () => {
    await role('release-manager', ['project.read', 'approval.decide', 'release.rollback', 'config.edit']);
    await role('approver-lite', ['project.read', 'pipeline.run', 'deploy.nonproduction', 'approval.decide']);
    await pipeline('custom', gated('release-manager'));
    const starter = await user('stan', 'developer');
    const lite = await user('lisa', 'approver-lite');
    const manager = await user('mona', 'release-manager');
    const number = await waitingRun(starter, 'custom');

    // lisa holds approval.decide but not the custom role's other rights: refused, and the view says why.
    const seenByLite = gateOf(await get(lite, 'custom', number));
    expect(seenByLite?.caller).toEqual({
      mayDecide: false,
      reason: expect.stringContaining('release-manager'),
    });
    const refused = await decide(lite, 'custom', number, { decision: 'approve' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().message).toBe(seenByLite?.caller?.reason);
    expect(refused.json().details).toEqual([{ field: 'gate', message: 'needs the role release-manager' }]);

    // Rights added to lisa's role count at once (the role is read when deciding).
    const widened = await admin.request({
      method: 'PATCH',
      url: `${WORKSPACE}/roles/approver-lite`,
      payload: {
        permissions: [
          'project.read',
          'pipeline.run',
          'deploy.nonproduction',
          'approval.decide',
          'release.rollback',
          'config.edit',
        ],
      },
    });
    expect(widened.statusCode, widened.body).toBe(200);
    expect(gateOf(await get(lite, 'custom', number))?.caller).toEqual({ mayDecide: true, reason: null });

    expect(gateOf(await get(manager, 'custom', number))?.caller).toEqual({ mayDecide: true, reason: null });
    const approved = await decide(manager, 'custom', number, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    await until('the run to succeed', async () =>
      (await get(admin, 'custom', number)).status === 'succeeded' ? true : undefined,
    );
  });

  it('a gate whose role the workspace no longer has is decided by platform admins only', async () => {
    await role('gone-role', ['project.read', 'approval.decide']);
    await pipeline('orphan', gated('gone-role'));
    const starter = await user('sid', 'developer');
    const operator = await user('otis', 'operator');
    // The run waits at its gate when the role goes (a new run would be refused: the saved
    // pipeline then names an unknown role, an error at its line).
    const number = await waitingRun(starter, 'orphan');
    const deleted = await admin.request({ method: 'DELETE', url: `${WORKSPACE}/roles/gone-role` });
    expect(deleted.statusCode, deleted.body).toBe(204);

    const seen = gateOf(await get(operator, 'orphan', number));
    expect(seen?.caller?.mayDecide).toBe(false);
    const refused = await decide(operator, 'orphan', number, { decision: 'approve' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().message).toMatch(/role gone-role, which workspace "gates" does not have/);
    expect(refused.json().message).toBe(seen?.caller?.reason);

    expect(gateOf(await get(admin, 'orphan', number))?.caller).toEqual({ mayDecide: true, reason: null });
    expect((await decide(admin, 'orphan', number, { decision: 'approve' })).statusCode).toBe(200);
  });

  it('tells each caller whether they may decide, by the rule the endpoint applies', async () => {
    await pipeline('operators', gated('operator'));
    const dev = await user('dora', 'developer');
    const viewer = await user('vic', 'viewer');
    const op = await user('oleg', 'operator');
    const number = await waitingRun(op, 'operators');
    const cases: [SignedInClient, RegExp][] = [
      [dev, /approval\.decide/],
      [viewer, /approval\.decide/],
      [op, /you started this run/],
    ];
    for (const [client, reason] of cases) {
      const caller = gateOf(await get(client, 'operators', number))?.caller;
      expect(caller?.mayDecide).toBe(false);
      expect(caller?.reason).toMatch(reason);
      const response = await decide(client, 'operators', number, { decision: 'approve' });
      expect(response.statusCode).toBe(403);
      expect(response.json().message).toBe(caller?.reason);
    }
    const other = await user('opal', 'operator');
    expect(gateOf(await get(other, 'operators', number))?.caller).toEqual({ mayDecide: true, reason: null });
  });

  it('a rejection needs a reason; the gate and the run then read rejected, by whom and why', async () => {
    await pipeline('rejectable', gated('operator'));
    const starter = await user('rita', 'developer');
    const op = await user('omar', 'operator');
    const number = await waitingRun(starter, 'rejectable');

    for (const payload of [{ decision: 'reject' }, { decision: 'reject', comment: '   ' }]) {
      const bare = await decide(op, 'rejectable', number, payload);
      expect(bare.statusCode, bare.body).toBe(400);
      expect(bare.json().details).toEqual([{ field: 'body.comment', message: 'a rejection needs a reason' }]);
    }
    const no = await decide(op, 'rejectable', number, { decision: 'reject', comment: ' the change freeze ' });
    expect(no.statusCode, no.body).toBe(200);
    const ended = await until('the run to end', async () => {
      const run = await get(admin, 'rejectable', number);
      return run.status === 'waiting' || run.status === 'running' ? undefined : run;
    });
    expect(ended.status).toBe('rejected');
    expect(ended.message).toBe('approve / approve: rejected by omar: the change freeze');
    expect(ended.jobs[0]).toMatchObject({
      status: 'rejected',
      message: 'rejected by omar: the change freeze',
    });
    expect(ended.jobs[0]?.approval?.decisions).toEqual([
      expect.objectContaining({ user: 'omar', decision: 'reject', comment: 'the change freeze' }),
    ]);
    expect(ended.jobs[1]?.status).toBe('skipped');
    const listed = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/rejectable/runs?status=rejected`,
    });
    expect(listed.json().items.map((r: Run) => r.number)).toEqual([number]);
  });
});

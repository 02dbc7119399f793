import type { ApprovalDetail, ApprovalItem } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
  until,
} from '../../../test/helper.ts';

const WS = 'appr';
const PROJECT = 'shop';

describe.skipIf(postgresSkipReason())('deploy approvals: inbox, diff and the policy’s rules', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let dev: SignedInClient;
  let olga: SignedInClient;
  let otto: SignedInClient;
  let starter: SignedInClient;
  const ids = { project: '', prod: '', workspace: '', starter: '' };
  let nextNumber = 1;

  /** A release of project shop in prod waiting for `policy`'s approvals; returns the approval id. */
  async function waiting(
    policy: Partial<{ required: number; approverRole: string; expiresAt: Date; committerEmail: string }> = {},
    image = 'shop:2',
  ): Promise<string> {
    const release = await t.db.prisma.release.create({
      data: {
        projectId: ids.project,
        number: nextNumber++,
        environmentId: ids.prod,
        environmentName: 'prod',
        namespace: 'appr-prod',
        status: 'awaiting-approval',
        image,
        imageDigest: 'sha256:2222',
        objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [] } }],
        createdById: ids.starter,
        createdByName: 'stan',
        commitSha: null,
        approval: {
          create: {
            workspaceId: ids.workspace,
            required: policy.required ?? 1,
            approverRole: policy.approverRole ?? 'operator',
            allowSelfApproval: false,
            expiryMinutes: 60,
            status: 'pending',
            requestedById: ids.starter,
            requestedByName: 'stan',
            committerEmail: policy.committerEmail ?? null,
            expiresAt: policy.expiresAt ?? new Date(Date.now() + 3_600_000),
          },
        },
      },
      include: { approval: true },
    });
    return release.approval?.id ?? '';
  }

  const open = async (client: SignedInClient, id: string) => {
    const response = await client.request({ method: 'GET', url: `/api/v1/approvals/${id}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ApprovalDetail;
  };
  const decide = (client: SignedInClient, id: string, payload: object) =>
    client.request({ method: 'POST', url: `/api/v1/approvals/${id}/decisions`, payload });
  const releaseOf = (approvalId: string) =>
    t.db.prisma.deployApproval
      .findUniqueOrThrow({ where: { id: approvalId }, include: { release: true, decisions: true } })
      .then((a) => ({ ...a.release, approval: a }));

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, WS, PROJECT);
    const env = await admin.request({
      method: 'POST',
      url: `/api/v1/workspaces/${WS}/environments`,
      payload: { name: 'prod', production: true },
    });
    expect(env.statusCode, env.body).toBe(201);
    const member = (username: string, role: string) =>
      signInAsProjectMember(t.app, admin, { workspace: WS, project: PROJECT, username, role });
    dev = await member('dora', 'developer');
    olga = await member('olga', 'operator');
    otto = await member('otto', 'operator');
    starter = await member('stan', 'operator');
    const prisma = t.db.prisma;
    ids.project = (await prisma.project.findFirstOrThrow({ where: { slug: PROJECT } })).id;
    const prod = await prisma.environment.findFirstOrThrow({
      where: { name: 'prod', workspace: { slug: WS } },
    });
    ids.prod = prod.id;
    ids.workspace = prod.workspaceId;
    ids.starter = (await prisma.user.findUniqueOrThrow({ where: { username: 'stan' } })).id;
    await prisma.user.update({ where: { username: 'otto' }, data: { email: 'Otto@example.com' } });
    // The live release: image shop:1, a Service that the new release keeps and a ConfigMap it drops.
    await prisma.release.create({
      data: {
        projectId: ids.project,
        number: nextNumber++,
        environmentId: ids.prod,
        environmentName: 'prod',
        namespace: 'appr-prod',
        status: 'succeeded',
        phase: 'done',
        image: 'shop:1',
        imageDigest: 'sha256:1111',
        objects: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [] } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' }, data: {} },
        ],
        createdByName: 'admin',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists what the caller may decide, counts it, and shows the diff (no cluster: stored objects)', async () => {
    const id = await waiting();
    const listed = (await olga.request({ method: 'GET', url: '/api/v1/approvals' })).json() as {
      items: ApprovalItem[];
    };
    const item = listed.items.find((i) => i.id === id);
    expect(item).toMatchObject({ kind: 'deploy', project: PROJECT, environment: 'prod', canDecide: true });
    expect((await olga.request({ method: 'GET', url: '/api/v1/approvals/count' })).json()).toEqual({
      pending: listed.items.length,
    });
    // The starter holds the role but may not approve their own deploy: not in their inbox.
    const mine = (await starter.request({ method: 'GET', url: '/api/v1/approvals' })).json() as {
      items: ApprovalItem[];
    };
    expect(mine.items.find((i) => i.id === id)).toBeUndefined();
    const all = (
      await starter.request({ method: 'GET', url: '/api/v1/approvals', query: { mine: 'false' } })
    ).json() as { items: ApprovalItem[] };
    expect(all.items.find((i) => i.id === id)).toMatchObject({
      canDecide: false,
      reason: expect.stringContaining('self-approval'),
    });

    const detail = await open(olga, id);
    expect(detail.diff).toMatchObject({
      live: 1,
      image: {
        from: 'shop:1',
        fromDigest: 'sha256:1111',
        to: 'shop:2',
        toDigest: 'sha256:2222',
        changed: true,
      },
      dryRunError: expect.stringContaining('no cluster'),
    });
    expect(detail.diff?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.diff?.manifests.map((m) => [m.kind, m.name, m.action])).toEqual([
      ['Service', 'web', 'unchanged'],
      ['ConfigMap', 'old', 'prune'],
    ]);
  });

  it('refuses the starter, the committer and anyone without the role (403 naming the rule)', async () => {
    const id = await waiting({ committerEmail: 'otto@example.com' });
    const self = await decide(starter, id, { decision: 'reject', comment: 'mine' });
    expect(self.statusCode, self.body).toBe(403);
    expect(self.json().message).toContain('self-approval');
    const committer = await decide(otto, id, { decision: 'reject', comment: 'mine too' });
    expect(committer.statusCode, committer.body).toBe(403);
    expect(committer.json().message).toContain('committed');
    const role = await decide(dev, id, { decision: 'reject', comment: 'no' });
    expect(role.statusCode, role.body).toBe(403);
    expect(role.json().message).toMatch(/approval\.decide|role operator/);
    expect((await releaseOf(id)).status).toBe('awaiting-approval');
  });

  it('2 of operator: needs two different operators, one decision each; then the release is queued', async () => {
    const id = await waiting({ required: 2 });
    // Approving without having seen the diff is refused, with the diff.
    const unseen = await decide(olga, id, { decision: 'approve' });
    expect(unseen.statusCode, unseen.body).toBe(409);
    expect(unseen.json().diff.hash).toMatch(/^[0-9a-f]{64}$/);
    await open(olga, id);
    const first = await decide(olga, id, { decision: 'approve', comment: 'looks right' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await releaseOf(id)).status).toBe('awaiting-approval');
    const again = await decide(olga, id, { decision: 'approve' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().message).toContain('already decided');
    await open(otto, id);
    const second = await decide(otto, id, { decision: 'approve' });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ status: 'approved', approvals: 2 });
    const release = await releaseOf(id);
    expect(release.status).toBe('queued');
    expect(release.queueSeq).not.toBeNull();
    expect(release.approval.decisions.map((d) => d.diffHash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    const closed = await decide(admin, id, { decision: 'reject', comment: 'late' });
    expect(closed.statusCode, closed.body).toBe(409);
  });

  it('approving a diff that changed since it was shown is refused with 409 and the new diff', async () => {
    const id = await waiting();
    const shown = await open(olga, id);
    // Someone deploys another release meanwhile: the live side changes.
    await t.db.prisma.release.create({
      data: {
        projectId: ids.project,
        number: nextNumber++,
        environmentId: ids.prod,
        environmentName: 'prod',
        namespace: 'appr-prod',
        status: 'succeeded',
        phase: 'done',
        image: 'shop:hotfix',
        objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [] } }],
        createdByName: 'admin',
      },
    });
    const stale = await decide(olga, id, { decision: 'approve', diffHash: shown.diff?.hash });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().details).toEqual([{ field: 'diff', message: expect.any(String) }]);
    expect(stale.json().diff.image.from).toBe('shop:hotfix');
    expect(stale.json().diff.hash).not.toBe(shown.diff?.hash);
    // The 409 showed the new diff: approving now approves that one.
    const approved = await decide(olga, id, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await releaseOf(id)).status).toBe('queued');
  });

  it('a rejection ends the release rejected with who and why', async () => {
    const id = await waiting();
    const rejected = await decide(olga, id, { decision: 'reject', comment: 'not during the sale' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const release = await releaseOf(id);
    expect(release).toMatchObject({ status: 'rejected', message: 'rejected by olga: not during the sale' });
    expect(release.approval.status).toBe('rejected');
  });

  it('a request past its expiry answers 409 and fails its release; the sweeper expires the rest', async () => {
    const id = await waiting({ expiresAt: new Date(Date.now() - 1000) });
    const late = await decide(olga, id, { decision: 'reject', comment: 'too late' });
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().message).toContain('expired');
    const release = await releaseOf(id);
    expect(release).toMatchObject({
      status: 'failed',
      message: 'the approval request expired after 60 minutes',
    });
    expect(release.approval.status).toBe('expired');

    const other = await waiting({ expiresAt: new Date(Date.now() - 1000) });
    t.releases.start();
    try {
      await until('the sweeper to expire the request and fail its release', async () =>
        (await releaseOf(other)).status === 'failed' ? true : undefined,
      );
      expect((await releaseOf(other)).approval.status).toBe('expired');
    } finally {
      await t.releases.stop();
    }
  });

  it('a request whose release stopped waiting (run cancelled) leaves the inbox and cannot be decided', async () => {
    const id = await waiting();
    const { id: releaseId } = await releaseOf(id);
    await t.db.prisma.release.update({
      where: { id: releaseId },
      data: { status: 'failed', message: 'cancelled' },
    });
    const inbox = (await olga.request({ method: 'GET', url: '/api/v1/approvals' })).json()
      .items as ApprovalItem[];
    expect(inbox.find((i) => i.id === id)).toBeUndefined();
    const late = await decide(olga, id, { decision: 'reject', comment: 'gone' });
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().message).toContain('no longer waiting');
  });

  it('a role the workspace lacks: only a platform admin decides, flagged as an override', async () => {
    const id = await waiting({ approverRole: 'release-board' });
    await open(olga, id);
    const refused = await decide(olga, id, { decision: 'approve' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().message).toContain('release-board');
    await open(admin, id);
    const override = await decide(admin, id, { decision: 'approve' });
    expect(override.statusCode, override.body).toBe(200);
    expect(override.json().decisions).toEqual([
      expect.objectContaining({ user: 'admin', adminOverride: true }),
    ]);
  });

  it('lists a waiting pipeline gate and decides it through the run’s gate rule', async () => {
    const pipeline = await admin.request({
      method: 'POST',
      url: `/api/v1/workspaces/${WS}/projects/${PROJECT}/pipelines`,
      payload: {
        name: 'gated',
        spec: 'stages:\n  - name: approve\n    approval: { role: operator, allowSelfApproval: false }\n',
      },
    });
    expect(pipeline.statusCode, pipeline.body).toBe(201);
    const run = await starter.request({
      method: 'POST',
      url: `/api/v1/workspaces/${WS}/projects/${PROJECT}/pipelines/gated/runs`,
      payload: { releaseType: 'default', environment: 'prod' },
    });
    expect(run.statusCode, run.body).toBe(201);
    // The engine is not running here: open the gate as it would.
    await t.db.prisma.jobRun.updateMany({
      where: { kind: 'approval', run: { pipeline: { name: 'gated' } } },
      data: { status: 'waiting', startedAt: new Date() },
    });
    const inbox = (
      await olga.request({ method: 'GET', url: '/api/v1/approvals', query: { kind: 'gate' } })
    ).json().items as ApprovalItem[];
    const gate = inbox.find((i) => i.run?.pipeline === 'gated');
    expect(gate).toMatchObject({
      kind: 'gate',
      gate: 'approve.approve',
      requestedBy: 'stan',
      approverRole: 'operator',
      canDecide: true,
    });
    const id = gate?.id ?? '';
    const self = await decide(starter, id, { decision: 'approve' });
    expect(self.statusCode, self.body).toBe(403);
    const decided = await decide(olga, id, { decision: 'approve', comment: 'ok' });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      kind: 'gate',
      diff: null,
      decisions: [expect.objectContaining({ user: 'olga', decision: 'approve', comment: 'ok' })],
    });
  });

  it('an approver role must exist in the workspace (400 naming the field)', async () => {
    for (const [method, url] of [
      ['POST', `/api/v1/workspaces/${WS}/environments`],
      ['PATCH', `/api/v1/workspaces/${WS}/environments/prod`],
    ] as const) {
      const response = await admin.request({
        method,
        url,
        payload: {
          ...(method === 'POST' ? { name: 'staging' } : {}),
          approvalPolicy: { approverRole: 'nobody' },
        },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().details).toEqual([
        { field: 'body.approvalPolicy.approverRole', message: expect.stringContaining('nobody') },
      ]);
    }
    await admin.request({
      method: 'POST',
      url: `/api/v1/workspaces/${WS}/roles`,
      payload: {
        name: 'release-manager',
        scope: 'project',
        permissions: ['project.read', 'approval.decide'],
      },
    });
    const custom = await admin.request({
      method: 'PATCH',
      url: `/api/v1/workspaces/${WS}/environments/prod`,
      payload: { approvalPolicy: { approverRole: 'release-manager' } },
    });
    expect(custom.statusCode, custom.body).toBe(200);
  });
});

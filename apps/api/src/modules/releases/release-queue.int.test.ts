import type { Release } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_FROZEN } from '../../../test/deploy-fixtures.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
  until,
} from '../../../test/helper.ts';
import { UNREACHABLE_KUBECONFIG } from '../../../test/unreachable-cluster.ts';

const WS = '/api/v1/workspaces/rq';
const RELEASES = `${WS}/projects/shop/releases`;
const KUBECONFIG = UNREACHABLE_KUBECONFIG;

describe.skipIf(postgresSkipReason())(
  'deploy queue: lock and freeze hold releases, break-freeze, idempotent rollback',
  () => {
    let t: TestApp;
    let admin: SignedInClient;
    let developer: SignedInClient;
    let projectId = '';

    /** An environment on the unreachable cluster with a succeeded release to roll back to. */
    async function environmentWithLive(name: string): Promise<number> {
      const prisma = t.db.prisma;
      const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: 'rq' } });
      const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'rq' } });
      const environment = await prisma.environment.create({
        data: { workspaceId: workspace.id, name, clusterId: cluster.id, namespace: `rq-${name}` },
      });
      const project = await prisma.project.update({
        where: { id: projectId },
        data: { releaseCounter: { increment: 1 } },
      });
      await prisma.release.create({
        data: {
          projectId,
          number: project.releaseCounter,
          environmentId: environment.id,
          environmentName: name,
          namespace: `rq-${name}`,
          status: 'succeeded',
          phase: 'done',
          image: `shop:${project.releaseCounter}`,
          objects: [],
          timeoutSeconds: 1,
          createdByName: 'admin',
        },
      });
      return project.releaseCounter;
    }

    const patch = async (environment: string, payload: object) => {
      const response = await admin.request({
        method: 'PATCH',
        url: `${WS}/environments/${environment}`,
        payload,
      });
      expect(response.statusCode, response.body).toBe(200);
    };

    const rollback = (
      client: SignedInClient,
      number: number,
      headers: Record<string, string> = {},
    ): Promise<Release> =>
      client
        .request({ method: 'POST', url: `${RELEASES}/${number}/rollback`, payload: {}, headers })
        .then((response) => {
          expect(response.statusCode, response.body).toBe(201);
          return response.json() as Release;
        });

    const get = async (number: number): Promise<Release> =>
      (await admin.request({ method: 'GET', url: `${RELEASES}/${number}` })).json();

    const logOf = async (number: number): Promise<string[]> =>
      (await admin.request({ method: 'GET', url: `${RELEASES}/${number}/log` }))
        .json()
        .lines.map((line: { text: string }) => line.text);

    /** Waits for the release to have left the queue (the controller started it). */
    const started = (number: number) =>
      until(`release ${number} to start`, async () => {
        const release = await get(number);
        return release.status === 'queued' ? undefined : release;
      });

    beforeAll(async () => {
      t = await buildTestApp();
      admin = await signIn(t.app);
      await seedWorkspace(admin, 'rq', 'shop');
      const cluster = await admin.request({
        method: 'POST',
        url: '/api/v1/clusters',
        payload: { name: 'rq', kubeconfig: KUBECONFIG },
      });
      expect(cluster.statusCode, cluster.body).toBe(201);
      projectId = (await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'shop' } })).id;
      developer = await signInAsProjectMember(t.app, admin, {
        workspace: 'rq',
        project: 'shop',
        username: 'rq-dev',
        role: 'developer',
      });
      t.releases.start();
    });

    afterAll(async () => {
      await t?.releases.stop();
      await t?.close();
    });

    it('holds releases while the environment is locked, saying so, and starts them once it is unlocked', async () => {
      const live = await environmentWithLive('locked');
      await patch('locked', { locked: true });
      const queued = await rollback(developer, live);
      expect(queued).toMatchObject({ status: 'queued', trigger: 'rollback' });
      const held = await until('the lock to hold it', async () => {
        const release = await get(queued.number);
        return release.holdReason ? release : undefined;
      });
      expect(held).toMatchObject({ status: 'queued', holdReason: 'environment "locked" is locked' });
      expect(await logOf(queued.number)).toContain('held: environment "locked" is locked');
      // A lock is no freeze: there is nothing to break.
      const notFrozen = await admin.request({
        method: 'POST',
        url: `${RELEASES}/${queued.number}/break-freeze`,
        payload: { reason: 'only locked' },
      });
      expect(notFrozen.statusCode, notFrozen.body).toBe(409);
      expect(notFrozen.json().message).toContain('no freeze window holds environment "locked"');
      const queue = await developer.request({ method: 'GET', url: `${WS}/environments/locked/queue` });
      expect(queue.statusCode, queue.body).toBe(200);
      expect(queue.json()).toMatchObject({
        held: 'environment "locked" is locked',
        items: [{ number: queued.number, status: 'queued' }],
      });
      // Unlocking lets it go at once (the environment's change hook admits), not at a resync.
      await patch('locked', { locked: false });
      const after = await started(queued.number);
      expect(after.holdReason).toBeNull();
      expect(
        (await developer.request({ method: 'GET', url: `${WS}/environments/locked/queue` })).json(),
      ).toMatchObject({ held: null });
    });

    it('holds releases in a freeze window; an admin breaks it for one (audited, shown), removing the window frees the rest', async () => {
      const live = await environmentWithLive('frozen');
      await patch('frozen', { freezeWindows: [ALWAYS_FROZEN] });
      const first = await rollback(developer, live);
      const second = await rollback(admin, live);
      const held = await until('the freeze to hold them', async () => {
        const releases = await Promise.all([get(first.number), get(second.number)]);
        return releases.every((r) => r.holdReason) ? releases : undefined;
      });
      for (const release of held) {
        expect(release.status).toBe('queued');
        expect(release.holdReason).toMatch(
          /^freeze window always: 2020-01-01T00:00 – 2099-12-31T00:00 UTC until 2099-12-31T00:00:00\.000Z$/,
        );
      }
      const queue = (await admin.request({ method: 'GET', url: `${WS}/environments/frozen/queue` })).json();
      expect(queue.held).toMatch(/^freeze window always: /);
      expect(queue.items.map((r: Release) => r.number)).toEqual([first.number, second.number]);

      const url = `${RELEASES}/${second.number}/break-freeze`;
      const refused = await developer.request({ method: 'POST', url, payload: { reason: 'hotfix' } });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('workspace.environments.manage');
      const blank = await admin.request({ method: 'POST', url, payload: { reason: ' ' } });
      expect(blank.statusCode).toBe(400);
      expect(blank.body).toContain('body.reason');
      const broken = await admin.request({ method: 'POST', url, payload: { reason: 'checkout is down' } });
      expect(broken.statusCode, broken.body).toBe(200);
      expect(broken.json().freezeBreak).toMatchObject({ by: 'admin', reason: 'checkout is down' });
      // The broken one goes ahead of the one before it, which the freeze still holds.
      const went = await started(second.number);
      expect(went.freezeBreak).toMatchObject({ by: 'admin', reason: 'checkout is down' });
      expect(await logOf(second.number)).toContain('freeze broken by admin: checkout is down');
      expect((await get(first.number)).status).toBe('queued');
      const audit = await t.db.prisma.auditEvent.findFirst({
        where: { action: 'breakReleaseFreeze', actorName: 'admin', statusCode: 200 },
      });
      expect(audit?.detail).toMatchObject({ values: { reason: 'checkout is down' } });
      // Once it no longer waits, its freeze cannot be broken again.
      const done = await until('it to end', async () => {
        const release = await get(second.number);
        return release.status === 'deploying' ? undefined : release;
      });
      const again = await admin.request({ method: 'POST', url, payload: { reason: 'again' } });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toContain(`is ${done.status}`);
      // Removing the window lets the rest go at once.
      await patch('frozen', { freezeWindows: [] });
      expect((await started(first.number)).holdReason).toBeNull();
    });

    it('makes one release of a rollback asked twice: the same Idempotency-Key, or a double click while it waits', async () => {
      const live = await environmentWithLive('idem');
      await patch('idem', { locked: true });
      // Two clicks at once without a key: one release.
      const [click, doubleClick] = await Promise.all([rollback(admin, live), rollback(admin, live)]);
      expect(doubleClick.number).toBe(click.number);
      // Another user asking for the same rollback gets their own.
      const someoneElse = await rollback(developer, live);
      expect(someoneElse.number).not.toBe(click.number);
      // With a key, the key alone decides.
      const keyed = await rollback(developer, live, { 'idempotency-key': 'rollback-1' });
      const repeated = await rollback(developer, live, { 'idempotency-key': 'rollback-1' });
      expect(repeated.number).toBe(keyed.number);
      expect([click.number, someoneElse.number]).not.toContain(keyed.number);
      const otherKey = await rollback(developer, live, { 'idempotency-key': 'rollback-2' });
      expect(otherKey.number).not.toBe(keyed.number);
      const rows = await t.db.prisma.release.findMany({
        where: { projectId, environmentName: 'idem', trigger: 'rollback' },
      });
      expect(rows).toHaveLength(4);
      expect(rows.find((r) => r.number === keyed.number)?.idempotencyKey).toBe('rollback-1');
      // The key keeps answering after the release ended; a click after the end makes a new one.
      await t.db.prisma.release.updateMany({
        where: { projectId, environmentName: 'idem', trigger: 'rollback' },
        data: { status: 'failed', phase: 'done' },
      });
      expect((await rollback(developer, live, { 'idempotency-key': 'rollback-1' })).number).toBe(
        keyed.number,
      );
      expect((await rollback(admin, live)).number).not.toBe(click.number);
      const tooLong = await admin.request({
        method: 'POST',
        url: `${RELEASES}/${live}/rollback`,
        payload: {},
        headers: { 'idempotency-key': 'k'.repeat(256) },
      });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.body).toContain('idempotency-key');
    });
  },
);

// Promotion, environment copy and the separation-of-duties report through the real API on a
// real PostgreSQL. The release controller is not started: releases stay where admission put
// them (queued / awaiting-approval), and the cluster is never reached. Deploying a promotion
// for real: promotion.kube.int.test.ts.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApprovalsReportRowSchema, Release } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createTestRepository } from '../../../test/git-repository.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';
import { UNREACHABLE_KUBECONFIG } from '../../../test/unreachable-cluster.ts';

type ReportRow = z.infer<typeof ApprovalsReportRowSchema>;

const WS = '/api/v1/workspaces/prm';
const RELEASES = `${WS}/projects/shop/releases`;
const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    greeting: \${{ params.greeting }}
    environment: \${{ environment.name }}
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.app }}
`;
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe.skipIf(postgresSkipReason())('promotion, environment copy and the approvals report', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let developer: SignedInClient;
  let viewer: SignedInClient;
  const env: Record<string, string> = {};
  const projects: Record<string, string> = {};

  const ok = async (client: SignedInClient, url: string, payload: object) => {
    const response = await client.request({ method: 'POST', url, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    return response.json();
  };
  const promote = (client: SignedInClient, number: number, environment: string, key?: string) =>
    client.request({
      method: 'POST',
      url: `${RELEASES}/${number}/promote`,
      payload: { environment },
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });

  /** A release of a run in `environment`, as the deploy executor stores it. */
  async function sourceRelease(data: {
    project: string;
    number: number;
    environment: string;
    status: string;
    configVersion?: number;
  }) {
    const prisma = t.db.prisma;
    const config = data.configVersion
      ? await prisma.configVersion.findFirstOrThrow({
          where: {
            version: data.configVersion,
            environmentId: env[data.environment],
            configSet: { name: 'app', projectId: projects[data.project] },
          },
        })
      : null;
    await prisma.release.create({
      data: {
        projectId: projects[data.project] ?? '',
        number: data.number,
        environmentId: env[data.environment] ?? null,
        environmentName: data.environment,
        namespace: `prm-${data.environment}`,
        status: data.status,
        phase: 'done',
        image: `registry.example.com/${data.project}:${data.number}`,
        imageDigest: DIGEST,
        manifestSetName: 'web',
        manifestVersion: 1,
        objects: [],
        renderValues: {
          'params.greeting': 'hello from the run',
          'release.image': `registry.example.com/${data.project}:${data.number}`,
          'release.number': String(data.number),
          'environment.name': data.environment,
          'environment.namespace': `prm-${data.environment}`,
          'release.config.app': `app-v${data.configVersion ?? 1}`,
        },
        commitSha: 'c'.repeat(40),
        pipelineName: 'ci',
        runNumber: data.number,
        createdByName: 'admin',
        ...(config
          ? {
              configs: {
                create: {
                  configVersionId: config.id,
                  name: 'app',
                  version: config.version,
                  configMapName: `app-v${config.version}`,
                },
              },
            }
          : {}),
      },
    });
    await prisma.project.update({
      where: { id: projects[data.project] },
      data: { releaseCounter: { set: data.number } },
    });
  }

  beforeAll(async () => {
    t = await buildTestApp({ allowLocalRepos: true });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'prm', 'shop');
    await ok(admin, '/api/v1/clusters', { name: 'prm-cluster', kubeconfig: UNREACHABLE_KUBECONFIG });
    for (const slug of ['other', 'third']) await ok(admin, `${WS}/projects`, { slug, name: slug });
    const prisma = t.db.prisma;
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: 'prm' } });
    const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'prm-cluster' } });
    // The promotion path dev (0) → test (1) → prod (2, production, one approval); solo has no cluster.
    for (const [name, position, production] of [
      ['dev', 0, false],
      ['test', 1, false],
      ['prod', 2, true],
      ['solo', 3, false],
    ] as const) {
      env[name] = (
        await prisma.environment.create({
          data: {
            workspaceId: workspace.id,
            name,
            position,
            production,
            requiredApprovals: production ? 1 : 0,
            allowSelfApproval: !production,
            ...(name === 'solo' ? {} : { clusterId: cluster.id, namespace: `prm-${name}` }),
          },
        })
      ).id;
    }
    for (const slug of ['shop', 'other', 'third']) {
      projects[slug] = (
        await prisma.project.findFirstOrThrow({ where: { slug, workspaceId: workspace.id } })
      ).id;
      await ok(admin, `${WS}/projects/${slug}/manifest-sets`, {
        name: 'web',
        files: { 'web.yaml': MANIFESTS },
      });
      await ok(admin, `${WS}/projects/${slug}/config-sets`, { name: 'app' });
      await ok(admin, `${WS}/projects/${slug}/config-sets/app/environments/dev/versions`, {
        data: { LEVEL: 'dev' },
      });
    }
    // test has two versions of shop's config (the newest is promoted with) and none of third's.
    for (const project of ['shop', 'other'])
      for (const level of ['test-1', 'test-2'])
        await ok(admin, `${WS}/projects/${project}/config-sets/app/environments/test/versions`, {
          data: { LEVEL: level },
        });
    await sourceRelease({
      project: 'shop',
      number: 1,
      environment: 'dev',
      status: 'succeeded',
      configVersion: 1,
    });
    await sourceRelease({
      project: 'shop',
      number: 2,
      environment: 'dev',
      status: 'failed',
      configVersion: 1,
    });
    await sourceRelease({
      project: 'other',
      number: 1,
      environment: 'dev',
      status: 'failed',
      configVersion: 1,
    });
    await sourceRelease({
      project: 'third',
      number: 1,
      environment: 'dev',
      status: 'succeeded',
      configVersion: 1,
    });
    developer = await signInAsProjectMember(t.app, admin, {
      workspace: 'prm',
      project: 'shop',
      username: 'prm-dev',
      role: 'developer',
    });
    viewer = await signInAsProjectMember(t.app, admin, {
      workspace: 'prm',
      project: 'shop',
      username: 'prm-viewer',
      role: 'viewer',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  let promoted: Release;

  it('promotes a live release to the next environment: same image, digest and manifest version, the target’s newest config, rendered for the target', async () => {
    const response = await promote(developer, 1, 'test');
    expect(response.statusCode, response.body).toBe(201);
    promoted = response.json();
    expect(promoted).toMatchObject({
      number: 3,
      environment: 'test',
      status: 'queued',
      trigger: 'promotion',
      promotedFrom: { environment: 'dev', number: 1 },
      image: 'registry.example.com/shop:1',
      imageDigest: DIGEST,
      manifestSet: { name: 'web', version: 1 },
      config: [{ name: 'app', version: 2, configMapName: 'app-v2' }],
      commit: 'c'.repeat(40),
      createdBy: 'prm-dev',
      approval: null,
      run: null,
    });
    const objects = (await developer.request({ method: 'GET', url: `${RELEASES}/3/objects` })).json().items;
    expect(objects).toHaveLength(1);
    const yaml: string = objects[0].yaml;
    expect(objects[0].namespace).toBe('prm-test');
    expect(yaml).toContain('name: app-v2');
    expect(yaml).toContain('greeting: hello from the run');
    expect(yaml).toContain('environment: test');
    expect(yaml).toContain('image: registry.example.com/shop:1');
    expect(yaml).toContain('slipway.dev/release: "3"');
    const log = (await developer.request({ method: 'GET', url: `${RELEASES}/3/log` })).json().lines;
    expect(log[0].text).toContain('promoting release 1 of environment "dev" (by prm-dev)');
  });

  it('refuses a target that is not the next environment (400 naming body.environment and the next one)', async () => {
    const response = await promote(admin, 1, 'prod');
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().message).toContain('the next is "test"');
    expect(response.json().details).toEqual([
      { field: 'body.environment', message: expect.stringContaining('"test"') },
    ]);
    const unknown = await promote(admin, 1, 'nowhere');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0].field).toBe('body.environment');
  });

  it('refuses a release that never succeeded (409) and one still queued', async () => {
    const failed = await promote(admin, 2, 'test');
    expect(failed.statusCode, failed.body).toBe(409);
    expect(failed.json().message).toContain('release 2 is failed');
    const queued = await promote(admin, 3, 'prod');
    expect(queued.statusCode, queued.body).toBe(409);
  });

  it('refuses callers without the target’s deploy permission (403): a viewer anywhere, a developer to production', async () => {
    const byViewer = await promote(viewer, 1, 'test');
    expect(byViewer.statusCode, byViewer.body).toBe(403);
    expect(byViewer.json().message).toContain('deploy.nonproduction');
    await t.db.prisma.release.update({
      where: { projectId_number: { projectId: projects.shop ?? '', number: 3 } },
      data: { status: 'succeeded', phase: 'done' },
    });
    const toProduction = await promote(developer, 3, 'prod');
    expect(toProduction.statusCode, toProduction.body).toBe(403);
    expect(toProduction.json().message).toContain('deploy.production');
  });

  it('refuses a target without a version of a config set (400), then promotes through the target’s approval policy', async () => {
    const missing = await promote(admin, 3, 'prod');
    expect(missing.statusCode, missing.body).toBe(400);
    expect(missing.json().message).toContain('config set "app" has no version in environment "prod"');
    expect(missing.json().details[0].field).toBe('body.environment');
    await ok(admin, `${WS}/projects/shop/config-sets/app/environments/prod/versions`, {
      data: { LEVEL: 'prod' },
    });
    // Release 3's commit was written by dev@example.com (its approval in test knew it).
    const three = await t.db.prisma.release.findUniqueOrThrow({
      where: { projectId_number: { projectId: projects.shop ?? '', number: 3 } },
    });
    await t.db.prisma.deployApproval.create({
      data: {
        releaseId: three.id,
        workspaceId: (await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'prm' } })).id,
        required: 0,
        approverRole: 'operator',
        allowSelfApproval: true,
        expiryMinutes: 60,
        status: 'approved',
        requestedByName: 'prm-dev',
        committerEmail: 'dev@example.com',
        expiresAt: new Date(),
      },
    });
    const response = await promote(admin, 3, 'prod', 'promote-3-to-prod');
    expect(response.statusCode, response.body).toBe(201);
    const release: Release = response.json();
    // The same commit: its author is excluded from approving the promotion too.
    const approval = await t.db.prisma.deployApproval.findFirstOrThrow({
      where: { release: { projectId: projects.shop, number: 4 } },
    });
    expect(approval.committerEmail).toBe('dev@example.com');
    expect(release).toMatchObject({
      number: 4,
      environment: 'prod',
      status: 'awaiting-approval',
      promotedFrom: { environment: 'test', number: 3 },
      imageDigest: DIGEST,
      config: [{ name: 'app', version: 1, configMapName: 'app-v1' }],
      approval: { status: 'pending', required: 1, approverRole: 'operator', decisions: [] },
    });
    expect(release.holdReason).toContain('waiting for 1 approval');
  });

  it('makes one release when asked twice: the same Idempotency-Key (also at once), or a double click while the first waits', async () => {
    const again = await promote(admin, 3, 'prod', 'promote-3-to-prod');
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().number).toBe(4);
    const doubleClick = await promote(admin, 3, 'prod');
    expect(doubleClick.statusCode, doubleClick.body).toBe(201);
    expect(doubleClick.json().number).toBe(4);
    const inProd = await t.db.prisma.release.count({
      where: { projectId: projects.shop, environmentName: 'prod' },
    });
    expect(inProd).toBe(1);
    const atOnce = await Promise.all(
      Array.from({ length: 5 }, () => promote(developer, 1, 'test', 'five-at-once')),
    );
    expect(atOnce.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(atOnce.map((r) => r.json().number))).toEqual(new Set([5]));
    const inTest = await t.db.prisma.release.count({
      where: { projectId: projects.shop, environmentName: 'test' },
    });
    expect(inTest).toBe(2);
  });

  it('copies an environment: one release per project with a live release, the others skipped or failed with why', async () => {
    const response = await admin.request({
      method: 'POST',
      url: `${WS}/environments/dev/copy`,
      payload: { to: 'test' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const copy = response.json();
    expect(copy.from).toBe('dev');
    expect(copy.to).toBe('test');
    expect(copy.items.map((i: { project: string; outcome: string }) => [i.project, i.outcome])).toEqual([
      ['other', 'skipped'],
      ['shop', 'created'],
      ['third', 'failed'],
    ]);
    const [other, shop, third] = copy.items;
    expect(other.message).toBe('no live release in "dev"');
    expect(shop.from).toBe(1);
    expect(shop.release).toMatchObject({
      number: 6,
      environment: 'test',
      trigger: 'promotion',
      promotedFrom: { environment: 'dev', number: 1 },
      config: [{ name: 'app', version: 2 }],
    });
    expect(third.message).toContain('config set "app" has no version in environment "test"');
    // Asked again while release 6 waits: the same release, said so.
    const again = await admin.request({
      method: 'POST',
      url: `${WS}/environments/dev/copy`,
      payload: { to: 'test' },
    });
    const shopAgain = again.json().items.find((i: { project: string }) => i.project === 'shop');
    expect(shopAgain).toMatchObject({
      outcome: 'skipped',
      release: { number: 6 },
      message: 'requested already: release 6 queued',
    });
  });

  it('copy: skips projects where the caller may not deploy, refuses a target without a cluster or the same environment', async () => {
    await ok(admin, `${WS}/roles`, {
      name: 'env-keeper',
      scope: 'workspace',
      permissions: ['workspace.read', 'workspace.environments.manage', 'project.read'],
    });
    await ok(admin, '/api/v1/users', { username: 'prm-keeper', password: 'keeper-test-password' });
    await ok(admin, `${WS}/members`, { user: 'prm-keeper', role: 'env-keeper' });
    const keeper = await signIn(t.app, 'prm-keeper', 'keeper-test-password');
    const response = await keeper.request({
      method: 'POST',
      url: `${WS}/environments/dev/copy`,
      payload: { to: 'test' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const shop = response.json().items.find((i: { project: string }) => i.project === 'shop');
    expect(shop).toMatchObject({ outcome: 'skipped', release: null });
    expect(shop.message).toContain('deploy.nonproduction');
    const byDeveloper = await developer.request({
      method: 'POST',
      url: `${WS}/environments/dev/copy`,
      payload: { to: 'test' },
    });
    expect(byDeveloper.statusCode).toBe(403);
    for (const to of ['solo', 'dev', 'nowhere']) {
      const refused = await admin.request({
        method: 'POST',
        url: `${WS}/environments/dev/copy`,
        payload: { to },
      });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().details[0].field).toBe('body.to');
    }
  });

  it('promotes manifests read from the repository path at the source’s commit, not the branch’s head', async () => {
    const repository = await createTestRepository();
    try {
      await mkdir(path.join(repository.dir, 'deploy'));
      const first = await repository.commit(
        'deploy/web.yaml',
        MANIFESTS.replace('name: web', 'name: web-one'),
        'one',
      );
      await repository.commit('deploy/web.yaml', MANIFESTS.replace('name: web', 'name: web-two'), 'two');
      await t.db.prisma.project.update({ where: { id: projects.other }, data: { repoUrl: repository.dir } });
      await sourceRelease({
        project: 'other',
        number: 2,
        environment: 'dev',
        status: 'succeeded',
        configVersion: 1,
      });
      await t.db.prisma.release.update({
        where: { projectId_number: { projectId: projects.other ?? '', number: 2 } },
        data: { manifestSetName: null, manifestVersion: null, manifestPath: 'deploy', commitSha: first },
      });
      const response = await admin.request({
        method: 'POST',
        url: `${WS}/projects/other/releases/2/promote`,
        payload: { environment: 'test' },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ manifestSet: null, manifestPath: 'deploy', commit: first });
      const objects = await admin.request({ method: 'GET', url: `${WS}/projects/other/releases/3/objects` });
      expect(objects.json().items.map((o: { name: string }) => o.name)).toEqual(['web-one']);
    } finally {
      await repository.remove();
    }
  });

  describe('the approvals report', () => {
    /** Release n of shop in prod with an approval (or none) and decisions. */
    async function approved(data: {
      number: number;
      createdBy: string;
      requestedById?: string | null;
      committerEmail?: string;
      decisions?: { userId: string; userName: string; decision: string; adminOverride?: boolean }[];
      freezeBreak?: object;
      required?: number;
      at: number;
    }) {
      const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'prm' } });
      await t.db.prisma.release.create({
        data: {
          projectId: projects.other ?? '',
          number: data.number,
          environmentId: env.prod ?? null,
          environmentName: 'prod',
          namespace: 'prm-prod',
          status: 'succeeded',
          phase: 'done',
          objects: [],
          createdByName: data.createdBy,
          createdAt: new Date(Date.UTC(2026, 10, 1, 12, data.at)),
          ...(data.freezeBreak ? { freezeBreak: data.freezeBreak } : {}),
          ...(data.required !== undefined
            ? {
                approval: {
                  create: {
                    workspaceId: workspace.id,
                    required: data.required,
                    approverRole: 'operator',
                    allowSelfApproval: false,
                    expiryMinutes: 60,
                    status: 'approved',
                    requestedById: data.requestedById ?? null,
                    requestedByName: data.createdBy,
                    committerEmail: data.committerEmail ?? null,
                    expiresAt: new Date(Date.UTC(2026, 10, 2)),
                    // Decisions in the order given (the report lists them by time).
                    decisions: {
                      create: (data.decisions ?? []).map((d, i) => ({
                        ...d,
                        createdAt: new Date(Date.UTC(2026, 10, 1, 12, data.at, i + 1)),
                      })),
                    },
                  },
                },
              }
            : {}),
        },
      });
    }

    let rows: ReportRow[] = [];

    beforeAll(async () => {
      const prisma = t.db.prisma;
      const user = async (username: string, email?: string) =>
        (await prisma.user.create({ data: { username, ...(email ? { email } : {}) } })).id;
      const alice = await user('alice', 'alice@example.com');
      const bob = await user('bob');
      const root = await user('root-admin');
      await approved({
        number: 11,
        createdBy: 'alice',
        requestedById: alice,
        required: 1,
        decisions: [{ userId: alice, userName: 'alice', decision: 'approve' }],
        at: 1,
      });
      await approved({
        number: 12,
        createdBy: '=HYPERLINK("x")',
        required: 2,
        freezeBreak: {
          by: 'root-admin',
          reason: 'hotfix, "urgent"\nsecond line',
          at: '2026-11-01T12:02:30.000Z',
        },
        decisions: [
          { userId: root, userName: 'root-admin', decision: 'approve', adminOverride: true },
          { userId: bob, userName: 'bob', decision: 'approve' },
        ],
        at: 2,
      });
      await approved({ number: 13, createdBy: 'ci-bot', at: 3 });
      await approved({
        number: 14,
        createdBy: 'bob',
        requestedById: bob,
        committerEmail: 'Alice@Example.com',
        required: 1,
        decisions: [
          { userId: alice, userName: 'alice', decision: 'approve' },
          { userId: root, userName: 'root-admin', decision: 'reject' },
        ],
        at: 4,
      });
    });

    it('lists the environment’s releases newest first with who approved and the policy flags', async () => {
      const response = await admin.request({
        method: 'GET',
        url: `${WS}/environments/prod/approvals-report`,
      });
      expect(response.statusCode, response.body).toBe(200);
      rows = response.json().items;
      const ours = rows.filter((r) => r.project === 'other');
      expect(ours.map((r) => [r.release, r.approvedBy, r.rejectedBy, r.flags])).toEqual([
        [14, ['alice'], ['root-admin'], ['self-approved']],
        [13, [], [], ['no-approval-required']],
        [12, ['root-admin', 'bob'], [], ['freeze-broken', 'admin-override']],
        [11, ['alice'], [], ['self-approved']],
      ]);
      expect(ours.find((r) => r.release === 12)?.freezeBreak?.reason).toBe('hotfix, "urgent"\nsecond line');
      // The promotion of shop into prod (release 4) waits for approval: required 1, nobody yet.
      expect(rows.find((r) => r.project === 'shop')).toMatchObject({ release: 4, required: 1, flags: [] });
      const since = await admin.request({
        method: 'GET',
        url: `${WS}/environments/prod/approvals-report`,
        query: { since: '2026-11-01T12:02:00Z', until: '2026-11-01T12:04:00Z' },
      });
      expect(since.json().items.map((r: ReportRow) => r.release)).toEqual([13, 12]);
    });

    it('exports the same rows as CSV (text/csv, attachment), read back with csv-parse', async () => {
      const response = await admin.request({
        method: 'GET',
        url: `${WS}/environments/prod/approvals-report`,
        query: { format: 'csv' },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe('attachment; filename="prod-approvals.csv"');
      const records: Record<string, string>[] = parse(response.body, { columns: true });
      expect(records.map((r) => Number(r.release))).toEqual(rows.map((r) => r.release));
      const twelve = records.find((r) => r.release === '12');
      expect(twelve).toMatchObject({
        project: 'other',
        approved_by: 'root-admin; bob',
        flags: 'freeze-broken; admin-override',
        freeze_broken_by: 'root-admin',
        freeze_break_reason: 'hotfix, "urgent"\nsecond line',
        required_approvals: '2',
        // A cell a spreadsheet would run as a formula is escaped.
        created_by: `'=HYPERLINK("x")`,
      });
      expect(records.find((r) => r.release === '14')).toMatchObject({
        rejected_by: 'root-admin',
        flags: 'self-approved',
      });
    });

    it('needs workspace.audit.read', async () => {
      const response = await developer.request({
        method: 'GET',
        url: `${WS}/environments/prod/approvals-report`,
      });
      expect(response.statusCode).toBe(403);
      const unknown = await admin.request({
        method: 'GET',
        url: `${WS}/environments/nowhere/approvals-report`,
      });
      expect(unknown.statusCode).toBe(404);
    });
  });
});

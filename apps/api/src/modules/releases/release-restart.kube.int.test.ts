// A server SIGKILLed mid-deploy on the real control plane: after the restart the release
// resumes from its stored phase — one release, its objects applied once, completed.
import { randomBytes } from 'node:crypto';
import type { Release } from '@slipway/contracts';
import { type Database, openDatabase } from '@slipway/db';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedInServer } from '../../../test/server-session.ts';

describe.skipIf(postgresSkipReason() || clusterSkipReason())('a SIGKILLed server mid-deploy', () => {
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `relcrash-${suffix}`;
  const namespace = `${ws}-staging`;
  let database: TestDatabase;
  let db: Database | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await db?.close();
    await kube.deleteNamespace(namespace).catch(() => undefined);
    await database?.drop();
  });

  async function launch(port: number) {
    const started = await startSignedInServer({ databaseUrl: database.url, port });
    server = started.server;
    return started.call;
  }

  const quota = (pods: string) =>
    kube.apply({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'no-pods', namespace },
      spec: { hard: { pods } },
    });

  it('resumes the release after a restart: one release, applied once, completed', async () => {
    const port = await freeLoopbackPort();
    let call = await launch(port);
    for (const [url, payload] of [
      ['/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [`/api/v1/workspaces/${ws}/projects`, { slug: 'shop', name: 'shop' }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'staging', cluster: 'local' }],
    ] as const) {
      const response = await call('POST', url, payload);
      expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(201);
    }
    db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    const prisma = db.prisma;
    const project = await prisma.project.findFirstOrThrow({ where: { slug: 'shop' } });
    const environment = await prisma.environment.findFirstOrThrow({ where: { name: 'staging' } });
    // Release 1 once succeeded (recorded only); rolling back to it deploys its objects again.
    await prisma.release.create({
      data: {
        projectId: project.id,
        number: 1,
        environmentId: environment.id,
        environmentName: 'staging',
        clusterId: environment.clusterId,
        namespace,
        status: 'superseded',
        phase: 'done',
        image: 'registry.example.com/shop:1',
        objects: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', namespace },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: 'web' } },
              template: {
                metadata: { labels: { app: 'web' } },
                spec: { containers: [{ name: 'web', image: 'registry.example.com/shop:1' }] },
              },
            },
          },
        ],
        createdByName: 'admin',
      },
    });
    await prisma.project.update({ where: { id: project.id }, data: { releaseCounter: 1 } });
    // Pods cannot start yet: the rollout is under way when the server dies.
    await quota('0');
    const rollback = await call('POST', `/api/v1/workspaces/${ws}/projects/shop/releases/1/rollback`, {});
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(201);
    await eventually('release 2 applied', async () =>
      (await prisma.release.findFirst({ where: { number: 2, phase: 'applied' } })) ? true : undefined,
    );
    server?.child.kill('SIGKILL');
    await server?.exited;

    await quota('100');
    call = await launch(port);
    const done = await eventually(
      'release 2 to end after the restart',
      async () => {
        const release = (await call('GET', `/api/v1/workspaces/${ws}/projects/shop/releases/2`))
          .body as Release;
        return release.status === 'deploying' ? undefined : release;
      },
      60_000,
    );
    expect(done).toMatchObject({ number: 2, status: 'succeeded', rollbackOf: 1 });
    expect(await prisma.release.count({ where: { projectId: project.id } })).toBe(2);
    const lines = (await prisma.releaseLogLine.findMany({ where: { release: { number: 2 } } })).map(
      (l) => l.text,
    );
    expect(lines.filter((line) => line.startsWith(`Deployment/${namespace}/web `))).toEqual([
      `Deployment/${namespace}/web created`,
    ]);
    expect((await server?.stop())?.code).toBe(0);
  });
});

// The image tier: builds the platform image (docker/Dockerfile, with buildah) and runs its
// entrypoint the way the Helm chart's pod runs it: uid 1000, read-only root, tini first,
// against the test PostgreSQL. Skipped only where buildah is missing outside CI.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildahInstalled,
  buildImage,
  childPids,
  type ImageProcess,
  type ImageRunOptions,
  mountOptions,
  processIds,
  startImageProcess,
} from '../../packages/testing/src/image-process.ts';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
} from '../../packages/testing/src/index.ts';

const PASSWORD = 'image-test-password';
const skipReason =
  postgresSkipReason() ??
  (!buildahInstalled() && process.env.CI !== 'true' ? 'buildah is not installed' : undefined);
if (skipReason) process.stderr.write(`\n[image] skipping the image tier: ${skipReason}\n\n`);

async function ports() {
  return { PORT: String(await freeLoopbackPort()), SLIPWAY_METRICS_PORT: String(await freeLoopbackPort()) };
}

describe.skipIf(skipReason)('the platform image', () => {
  let image = '';
  beforeAll(() => {
    image = buildImage();
  });

  const run = (env: Record<string, string>, options: Omit<ImageRunOptions, 'env'> = {}): ImageProcess =>
    startImageProcess(image, { env: { SLIPWAY_LOG_LEVEL: 'info', ...env }, ...options });

  it('migrates an empty database, serves /readyz, sign-in, metrics and the console as uid 1000 on a read-only root, and stops on SIGTERM', async () => {
    const database = await createTestDatabase({ empty: true });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-image-data-'));
    const env = await ports();
    const baseUrl = `http://127.0.0.1:${env.PORT}`;
    const server = run(
      { ...env, DATABASE_URL: database.url, SLIPWAY_ADMIN_PASSWORD: PASSWORD, SLIPWAY_DEMO: 'false' },
      { dataDir },
    );
    try {
      const tini = await server.entrypointPid();
      await server.waitUntilReady(baseUrl);

      // tini first, the server its child: both uid/gid 1000, never root.
      const [node] = childPids(tini);
      expect(node, server.output()).toBeDefined();
      for (const pid of [tini, node ?? 0]) {
        expect(processIds(pid)).toEqual({ uid: [1000, 1000, 1000, 1000], gid: [1000, 1000, 1000, 1000] });
      }
      // The root file system is read-only; the data directory is the server's (its secret key).
      expect(mountOptions(node ?? 0, '/')).toContain('ro');
      expect(readdirSync(dataDir).length, 'files the server wrote in SLIPWAY_DATA_DIR').toBeGreaterThan(0);

      const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD }),
      });
      expect(login.status, await login.clone().text()).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
      expect(me.status).toBe(200);

      // Metrics on their own listener (SLIPWAY_METRICS_PORT, same HOST), as the chart's ServiceMonitor scrapes them.
      const metrics = await fetch(`http://127.0.0.1:${env.SLIPWAY_METRICS_PORT}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^slipway_leader \d/m);

      const index = await fetch(`${baseUrl}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toMatch(/<div id="root">/);

      // As kubelet does: SIGTERM to the container's first process; tini forwards it, the server drains.
      const stopping = Date.now();
      process.kill(tini, 'SIGTERM');
      const { code } = await server.exited;
      expect(code, server.output()).toBe(0);
      expect(server.output()).toMatch(/"msg":"stopped"/);
      // Within Kubernetes' default terminationGracePeriodSeconds (30 s), even on a busy machine.
      expect(Date.now() - stopping).toBeLessThan(30_000);
      expect(existsSync(`/proc/${node}`), 'the server process is gone').toBe(false);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
      await database.drop();
    }
  });

  it('applies migrations with the migration command and exits 0, then finds none pending', async () => {
    const database = await createTestDatabase({ empty: true });
    const migrate = () =>
      run({ DATABASE_URL: database.url }, { command: ['node', '/app/apps/api/dist/migrate.js'] });
    try {
      const first = migrate();
      expect((await first.exited).code, first.output()).toBe(0);
      expect(first.output()).toMatch(/migrations: [1-9]\d* applied now, 0 applied before/);
      const second = migrate();
      expect((await second.exited).code, second.output()).toBe(0);
      expect(second.output()).toMatch(/migrations: 0 applied now, [1-9]\d* applied before/);
    } finally {
      await database.drop();
    }
  });

  it('exits 78 naming a malformed setting', async () => {
    const server = run({ ...(await ports()), PORT: 'eighty' });
    const { code } = await server.exited;
    expect(code, server.output()).toBe(78);
    expect(server.output()).toMatch(/slipway: .*PORT/);
  });

  it('names DATABASE_URL, host and port, but not the password, when the database is unreachable', async () => {
    const closed = await freeLoopbackPort();
    const server = run({
      ...(await ports()),
      DATABASE_URL: `postgresql://slipway:s3cret-pass@127.0.0.1:${closed}/slipway`,
    });
    const { code } = await server.exited;
    expect(code, server.output()).toBe(1);
    expect(server.output()).toMatch(/slipway: .*DATABASE_URL/);
    expect(server.output()).toContain(`127.0.0.1:${closed}`);
    expect(server.output()).not.toContain('s3cret-pass');
  });
});

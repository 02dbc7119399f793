// Runs the real server process: embedded start, restart persistence, graceful SIGTERM,
// configuration errors, and an external PostgreSQL through DATABASE_URL.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  startServerProcess,
} from '@slipway/testing';
import { afterEach, describe, expect, it } from 'vitest';

async function api(
  port: number,
  method: string,
  url: string,
  body?: unknown,
  session?: { cookie: string; csrf: string },
) {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.json().catch(() => null),
  };
}

async function login(port: number, password: string) {
  const response = await api(port, 'POST', '/api/v1/auth/login', { username: 'admin', password });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: (response.body as { csrfToken: string }).csrfToken };
}

describe('the server process', () => {
  const running: ServerProcess[] = [];
  const launch = (env: Record<string, string> & { PORT: string }) => {
    const server = startServerProcess(env);
    running.push(server);
    return server;
  };
  afterEach(() => {
    for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('starts on the embedded database, keeps data across a SIGTERM restart, and prints the admin password once', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-data-'));
    const port = await freeLoopbackPort();
    const first = launch({ PORT: String(port), SLIPWAY_DATA_DIR: dataDir });
    await first.waitUntilReady();
    const password = first.output().match(/generated password: (\S+)/)?.[1];
    expect(password, first.output()).toBeDefined();

    const session = await login(port, password ?? '');
    const created = await api(port, 'POST', '/api/v1/workspaces', { slug: 'kept', name: 'Kept' }, session);
    expect(created.status).toBe(201);

    // A second server on the same data directory would corrupt it: refused.
    const intruder = launch({ PORT: String(await freeLoopbackPort()), SLIPWAY_DATA_DIR: dataDir });
    expect((await intruder.exited).code).toBe(1);
    expect(intruder.output()).toMatch(/in use by process \d+/);

    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    // Within Kubernetes' default terminationGracePeriodSeconds (30 s), even on a busy machine.
    expect(stopped.elapsedMs).toBeLessThan(30_000);

    const second = launch({ PORT: String(port), SLIPWAY_DATA_DIR: dataDir });
    await second.waitUntilReady();
    expect(second.output()).not.toMatch(/generated password/);
    const again = await login(port, password ?? '');
    const kept = await api(port, 'GET', '/api/v1/workspaces/kept', undefined, again);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ slug: 'kept', name: 'Kept' });
    expect((await second.stop()).code).toBe(0);
  }, 300_000);

  it('loses no accepted write when the embedded server is killed with SIGKILL', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-data-'));
    const port = await freeLoopbackPort();
    const env = {
      PORT: String(port),
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_ADMIN_PASSWORD: 'crash-test-password',
      SLIPWAY_DEMO: 'false',
    };
    const first = launch(env);
    await first.waitUntilReady();
    const session = await login(port, 'crash-test-password');
    for (const slug of ['before-crash-1', 'before-crash-2']) {
      expect((await api(port, 'POST', '/api/v1/workspaces', { slug, name: slug }, session)).status).toBe(201);
    }
    first.child.kill('SIGKILL');
    await first.exited;

    // The stale lock left by the killed process is taken over.
    const second = launch(env);
    await second.waitUntilReady();
    const again = await login(port, 'crash-test-password');
    const list = await api(port, 'GET', '/api/v1/workspaces', undefined, again);
    expect((list.body as { items: { slug: string }[] }).items.map((w) => w.slug)).toEqual([
      'before-crash-1',
      'before-crash-2',
    ]);
    expect((await second.stop()).code).toBe(0);
  }, 300_000);

  it('refuses to start on a malformed variable, naming it', async () => {
    const server = launch({ PORT: 'eighty', SLIPWAY_SESSION_IDLE_MINUTES: '-5' });
    const { code } = await server.exited;
    expect(code).toBe(78);
    expect(server.output()).toMatch(/PORT: must be a number/);
    expect(server.output()).toMatch(/SLIPWAY_SESSION_IDLE_MINUTES/);
  });

  it.skipIf(postgresSkipReason())(
    'uses DATABASE_URL when set: migrates an empty database and takes the admin password from the environment',
    async () => {
      const database = await createTestDatabase({ empty: true });
      try {
        const port = await freeLoopbackPort();
        const server = launch({
          PORT: String(port),
          DATABASE_URL: database.url,
          SLIPWAY_ADMIN_PASSWORD: 'a-long-chosen-password',
        });
        await server.waitUntilReady();
        expect(server.output()).toMatch(/migrations: \d+ applied now/);
        expect(server.output()).not.toMatch(/a-long-chosen-password/);
        await login(port, 'a-long-chosen-password');
        expect((await server.stop()).code).toBe(0);
      } finally {
        await database.drop();
      }
    },
    60_000,
  );
});

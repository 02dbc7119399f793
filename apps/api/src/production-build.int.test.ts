// The production build as an operator runs it: `pnpm run build` + `pnpm run assemble <dir>`,
// then plain `node <dir>/apps/api/dist/server.js` (no tsx, no dev dependencies) on a real
// PostgreSQL; `migrate.js` as the Helm chart's migration Job runs it; and the start-up
// failures a misconfigured deployment meets (unreachable database, a bad setting).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  startServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN_PASSWORD = 'built-server-password-7';

/** Runs a built entry point with only the given environment; resolves with its exit code and output. */
async function runEntry(script: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [script], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

describe.skipIf(postgresSkipReason())('the production build', () => {
  let assembled: string;
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    assembled = path.join(await mkdtemp(path.join(os.tmpdir(), 'slipway-built-')), 'server');
    const options = { cwd: REPO_ROOT, env: process.env, maxBuffer: 64 * 1024 * 1024 };
    await run('pnpm', ['--silent', 'run', 'build'], options);
    await run('pnpm', ['--silent', 'run', 'assemble', assembled], options);
    database = await createTestDatabase({ empty: true });
  }, 600_000);

  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await database?.drop();
    if (assembled) await rm(path.dirname(assembled), { recursive: true, force: true });
  });

  it('contains production dependencies only, in a flat node_modules', async () => {
    const modules = await readdir(path.join(assembled, 'node_modules'));
    for (const runtime of ['fastify', 'pg', '@prisma', '@kubernetes', '@electric-sql', 'pino']) {
      expect(modules).toContain(runtime);
    }
    for (const devOnly of [
      'tsx',
      'esbuild',
      'vitest',
      'typescript',
      'prisma',
      '@biomejs',
      '@slipway',
      '.pnpm',
    ]) {
      expect(modules).not.toContain(devOnly);
    }
    for (const file of ['apps/console/dist/index.html', 'prisma/migrations', 'examples/hello/ci.yaml']) {
      expect(existsSync(path.join(assembled, file)), file).toBe(true);
    }
  });

  it('migrate.js applies every migration once, then has nothing to do', async () => {
    const script = path.join(assembled, 'apps/api/dist/migrate.js');
    const migrations = (
      await readdir(path.join(REPO_ROOT, 'prisma/migrations'), { withFileTypes: true })
    ).filter((entry) => entry.isDirectory()).length;
    const first = await runEntry(script, { DATABASE_URL: database.url });
    expect(first.output).toContain(`migrations: ${migrations} applied now, 0 applied before`);
    expect(first.code).toBe(0);
    const again = await runEntry(script, { DATABASE_URL: database.url });
    expect(again.output).toContain(`migrations: 0 applied now, ${migrations} applied before`);
  });

  it('serves the API and the console with plain node, and drains on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const server = startServerProcess(
      {
        PORT: String(port),
        DATABASE_URL: database.url,
        SLIPWAY_DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'slipway-built-data-')),
        SLIPWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      { builtServer: path.join(assembled, 'apps/api/dist/server.js') },
    );
    servers.push(server);
    await server.waitUntilReady(180_000);
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ user: { username: 'admin', platformAdmin: true } });
    const index = await fetch(`${server.baseUrl}/workspaces`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    // The built-in Kubernetes schema is read from beside the bundle.
    const schema = await fetch(`${server.baseUrl}/api/v1/kubernetes-schema`, { headers: { cookie } });
    expect(schema.status).toBe(200);
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('names DATABASE_URL and the address (never the password) when the database is unreachable', async () => {
    const closedPort = await freeLoopbackPort();
    const url = `postgres://slipway:hunter2-secret@127.0.0.1:${closedPort}/slipway`;
    for (const entry of ['server.js', 'migrate.js']) {
      const result = await runEntry(path.join(assembled, 'apps/api/dist', entry), {
        DATABASE_URL: url,
        PORT: String(await freeLoopbackPort()),
        SLIPWAY_DATA_DIR: os.tmpdir(),
      });
      expect(result.code, entry).toBe(1);
      expect(result.output).toContain(
        `cannot connect to the database slipway@127.0.0.1:${closedPort}/slipway`,
      );
      expect(result.output).toContain('DATABASE_URL');
      expect(result.output).not.toContain('hunter2');
    }
  });

  it('exits 78 naming the variable on a bad setting', async () => {
    const result = await runEntry(path.join(assembled, 'apps/api/dist/server.js'), { PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.output).toContain('PORT');
  });
});

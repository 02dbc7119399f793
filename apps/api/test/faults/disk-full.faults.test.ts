// The data directory's disk full (a small tmpfs the test mounts; we run as root): a run
// fails with a message that says so, the server stays up and answers, and runs work again
// once space is freed. Without mount (not root) the test fails in CI and skips elsewhere.
import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import {
  createTestDatabase,
  postgresSkipReason,
  type ServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startSignedInServer } from '../server-session.ts';
import { createAll, expectStillRunning, finishedRun, setUpPipeline, tempDir } from './helpers.ts';

const SPEC = `stages:
  - name: build
    jobs:
      - name: write
        image: alpine:3.22
        steps:
          - name: work
            run: echo "writing"; echo "done"
`;

/** Mounts a tmpfs of `size` at `dir`; the reason it could not, or undefined. */
function mountTmpfs(dir: string, size: string): string | undefined {
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  return mount.status === 0 ? undefined : `mount -t tmpfs failed: ${mount.stderr || mount.error?.message}`;
}

/** Writes zeros to `file` until the file system is full (dd ends with ENOSPC). */
function fill(file: string): void {
  spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=64k'], { stdio: 'ignore' });
}

describe.skipIf(postgresSkipReason())('the data directory’s disk full', () => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let mounted: string | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (mounted) spawnSync('umount', ['-l', mounted]);
    for (const cleanup of cleanups) await cleanup();
    await database?.drop();
  });

  it('fails the run with a clear message, stays up, and runs again once space is freed', async (ctx) => {
    const root = await tempDir('slipway-faults-disk-');
    cleanups.push(root.remove);
    const dataDir = path.join(root.dir, 'data');
    await mkdir(dataDir);
    const refused = mountTmpfs(dataDir, '4m');
    if (refused) {
      if (process.env.CI === 'true') throw new Error(`the disk-full scenario needs root: ${refused}`);
      ctx.skip(refused);
    }
    mounted = dataDir;
    database = await createTestDatabase();
    const started = await startSignedInServer({
      databaseUrl: database.url,
      env: { SLIPWAY_DATA_DIR: dataDir },
    });
    server = started.server;
    const { call } = started;
    const runs = await setUpPipeline(call, { workspace: 'disk', environment: 'local', spec: SPEC });

    const filler = path.join(dataDir, 'filler');
    fill(filler);
    await createAll(call, [[runs, { releaseType: 'default', environment: 'local' }]]);
    const failed = await finishedRun(call, runs, 1, 60_000);
    expect(failed.status, JSON.stringify(failed.jobs)).toBe('failed');
    const messages = [failed.message, ...failed.jobs.map((j) => j.message)].join(' | ');
    expect(messages).toMatch(/no space left on device/i);

    // The server stays up and answers.
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    expect((await call('GET', `${runs}/1`)).status).toBe(200);
    expect((await call('GET', '/api/v1/workspaces/disk')).status).toBe(200);
    expectStillRunning(server);

    await rm(filler);
    await createAll(call, [[runs, { releaseType: 'default', environment: 'local' }]]);
    const ok = (await finishedRun(call, runs, 2, 60_000)) as Run;
    expect(ok.status, JSON.stringify(ok.jobs)).toBe('succeeded');
    expectStillRunning(server);
  });
});

// The run engine in the real server process: the seeded demo really runs on the local
// executor, and a server killed with SIGKILL in the middle of a run finishes it after a
// restart without running anything twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import { freeLoopbackPort, type ServerProcess, startServerProcess } from '@slipway/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { signInToServer } from '../../../test/server-session.ts';
import { until } from '../../../test/wait.ts';

const PASSWORD = 'engine-restart-password';

describe('the run engine in the server process', () => {
  const running: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function launch(dataDir: string, port: number) {
    const server = startServerProcess({
      PORT: String(port),
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_ADMIN_PASSWORD: PASSWORD,
    });
    running.push(server);
    await server.waitUntilReady();
    return server;
  }

  it('seeds the demo on a fresh embedded start; its pipeline runs green, and a SIGKILL mid-run loses nothing', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-engine-'));
    dirs.push(dataDir);
    const port = await freeLoopbackPort();
    const first = await launch(dataDir, port);
    const base = first.baseUrl;
    let call = await signInToServer(base, PASSWORD);

    const demo = '/api/v1/workspaces/demo/projects/hello/pipelines/ci/runs';
    const started = await call('POST', demo, { releaseType: 'full', environment: 'local' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const demoRun = await until('the demo run to finish', async () => {
      const run = (await call('GET', `${demo}/1`)).body as Run;
      return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    });
    expect(demoRun.status, JSON.stringify(demoRun.jobs)).toBe('succeeded');
    expect(demoRun.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(demoRun.jobs.map((j) => j.stage)).toEqual(['checkout', 'test', 'build']);

    // A pipeline whose step outlives the server.
    const pipelines = '/api/v1/workspaces/demo/projects/hello/pipelines';
    const spec = `stages:
  - name: slow
    jobs:
      - name: sleeper
        image: alpine:3.22
        steps:
          - name: wait
            run: echo "begin $$"; sleep 4; echo "end of step"
  - name: next
    jobs:
      - name: after
        image: alpine:3.22
        steps:
          - run: echo "after the restart"
`;
    expect((await call('POST', pipelines, { name: 'slow', spec })).status).toBe(201);
    const runs = `${pipelines}/slow/runs`;
    expect((await call('POST', runs, { releaseType: 'default', environment: 'local' })).status).toBe(201);
    await until('the step to run', async () => {
      const run = (await call('GET', `${runs}/1`)).body as Run;
      return run.jobs[0]?.steps[1]?.status === 'running' ? true : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await launch(dataDir, port);
    call = await signInToServer(second.baseUrl, PASSWORD);
    const finished = await until('the run to finish after the restart', async () => {
      const run = (await call('GET', `${runs}/1`)).body as Run;
      return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    });
    expect(finished.status, JSON.stringify(finished.jobs)).toBe('succeeded');
    expect(finished.jobs.map((j) => [j.name, j.status, j.attempt])).toEqual([
      ['sleeper', 'succeeded', 1],
      ['after', 'succeeded', 1],
    ]);
    const log = await until('the whole log', async () => {
      const page = (await call('GET', `${runs}/1/jobs/sleeper/steps/wait/log`)).body as {
        lines: { text: string }[];
        complete: boolean;
      };
      return page.complete ? page.lines.map((l) => l.text) : undefined;
    });
    // The step ran once (one "begin"), across the restart, and its whole log was kept.
    expect(log.filter((line) => line.startsWith('begin '))).toHaveLength(1);
    expect(log).toContain('end of step');
    expect((await second.stop()).code).toBe(0);
  });

  it('stops on SIGTERM while a step runs and writes nothing (its log is followed); the run ends after a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-engine-'));
    dirs.push(dataDir);
    const port = await freeLoopbackPort();
    const first = await launch(dataDir, port);
    let call = await signInToServer(first.baseUrl, PASSWORD);
    // The step stays silent until this file exists, which the test creates only after the stop.
    const sentinel = path.join(dataDir, 'go-on');
    const pipelines = '/api/v1/workspaces/demo/projects/hello/pipelines';
    const spec = `stages:
  - name: quiet
    jobs:
      - name: waiter
        image: alpine:3.22
        steps:
          - name: wait
            run: echo started; while [ ! -f ${sentinel} ]; do sleep 0.2; done; echo done
`;
    expect((await call('POST', pipelines, { name: 'quiet', spec })).status).toBe(201);
    const runs = `${pipelines}/quiet/runs`;
    expect((await call('POST', runs, { releaseType: 'default', environment: 'local' })).status).toBe(201);
    await until('the step’s first line archived', async () => {
      const page = (await call('GET', `${runs}/1/jobs/waiter/steps/wait/log`)).body as {
        lines: { text: string }[];
      };
      return page.lines.some((line) => line.text === 'started') ? true : undefined;
    });
    // The log pump waits on a silent step: stopping the engine must end it (it hung before).
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    await writeFile(sentinel, '');

    const second = await launch(dataDir, port);
    call = await signInToServer(second.baseUrl, PASSWORD);
    const finished = await until('the run to finish after the restart', async () => {
      const run = (await call('GET', `${runs}/1`)).body as Run;
      return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    });
    expect(finished.status, JSON.stringify(finished.jobs)).toBe('succeeded');
    expect((await second.stop()).code).toBe(0);
  });
});

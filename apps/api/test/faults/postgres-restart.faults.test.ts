// PostgreSQL restarted mid-run (`pg_ctl restart -m fast`) and then down for a while, under a
// stream of writes: the API answers 503 in the error shape while it is down, recovers
// without a restart of its own, the run completes once, and every write answered 2xx before
// the outage is readable after it.
import type { ErrorBody, Run } from '@slipway/contracts';
import { type PostgresServer, postgresSkipReason, type ServerProcess } from '@slipway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startSignedInServer } from '../server-session.ts';
import { until } from '../wait.ts';
import {
  createAll,
  expectStillRunning,
  finishedRun,
  ownPostgres,
  setUpPipeline,
  tempDir,
} from './helpers.ts';

const SPEC = `stages:
  - name: build
    jobs:
      - name: left
        image: alpine:3.22
        steps:
          - name: work
            run: echo "left $$"; sleep 3; echo "left done"
      - name: right
        image: alpine:3.22
        steps:
          - name: work
            run: echo "right $$"; sleep 3; echo "right done"
  - name: after
    jobs:
      - name: last
        image: alpine:3.22
        steps:
          - run: echo "after the outage"
`;

describe.skipIf(postgresSkipReason())('PostgreSQL restarted under a running server', () => {
  let database: PostgresServer | undefined;
  let server: ServerProcess | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await database?.stop();
    for (const cleanup of cleanups) await cleanup();
  });

  it('answers 503 while the database is down, recovers by itself and loses no accepted write', async () => {
    const own = await ownPostgres();
    database = own.server;
    const data = await tempDir('slipway-faults-pg-');
    cleanups.push(data.remove);
    const started = await startSignedInServer({
      databaseUrl: own.databaseUrl,
      env: { SLIPWAY_DATA_DIR: data.dir },
    });
    server = started.server;
    const { call } = started;
    const runs = await setUpPipeline(call, { workspace: 'pg', environment: 'local', spec: SPEC });
    await createAll(call, [[runs, { releaseType: 'default', environment: 'local' }]]);
    await until('both parallel steps to run', async () => {
      const run = (await call('GET', `${runs}/1`)).body as Run;
      return run.jobs.filter((j) => j.stage === 'build' && j.status === 'running').length === 2
        ? true
        : undefined;
    });

    // A stream of writes across the whole outage; every answer is kept.
    const answers: { slug: string; status: number; body: unknown }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const slug = `w-${i}`;
        const answer = await call('POST', '/api/v1/workspaces', { slug, name: slug }).catch(
          (error: Error) => ({ status: -1, body: error.message }),
        );
        answers.push({ slug, ...answer });
        if (answer.status === -1) break; // the connection failed: the check below names it
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await until('a few writes before the restart', async () => (answers.length >= 3 ? true : undefined));
    await database.restart();
    await database.pause();
    let last: unknown;
    const down = await until('a 503 while the database is down', async () => {
      const answer = await call('GET', '/api/v1/workspaces');
      last = answer;
      return answer.status === 503 ? (answer.body as ErrorBody) : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; last answer ${JSON.stringify(last)}`);
    });
    expect(down).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(down.message).toMatch(/database/i);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    await until('writes answered while the database is down', async () =>
      answers.some((a) => a.status === 503) ? true : undefined,
    );
    await database.resume();
    await until('the server to be ready again', async () =>
      (await fetch(`${server?.baseUrl}/readyz`)).status === 200 ? true : undefined,
    );
    const after = answers.length;
    await until('writes accepted after the outage', async () =>
      answers.slice(after).some((a) => a.status === 201) ? true : undefined,
    );
    writing = false;
    await writer;

    // Nothing but 201 (accepted) or 503 (refused while down, in the error shape).
    const unexpected = answers.filter((a) => a.status !== 201 && a.status !== 503);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    }
    const accepted = answers.filter((a) => a.status === 201);
    const missing: string[] = [];
    for (const { slug } of accepted) {
      if ((await call('GET', `/api/v1/workspaces/${slug}`)).status !== 200) missing.push(slug);
    }
    expect(missing).toEqual([]);

    const run = await finishedRun(call, runs, 1);
    expect(run.status, JSON.stringify(run.jobs)).toBe('succeeded');
    expect(run.jobs.map((j) => [j.name, j.status, j.attempt])).toEqual([
      ['left', 'succeeded', 1],
      ['right', 'succeeded', 1],
      ['last', 'succeeded', 1],
    ]);
    expectStillRunning(server);
    console.log(
      `[faults] postgres: ${accepted.length} writes accepted, ${answers.length - accepted.length} answered 503, none lost`,
    );
  });
});

// The server the fuzz tier attacks: the real server process on a test PostgreSQL database,
// seeded over HTTP with objects for the fuzzer to reach (a workspace with an environment on
// the local executor, a project, a pipeline with a finished run, a webhook and a schedule),
// and the two identities the fuzzer signs in as (a platform admin and a workspace viewer).
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerProcess } from '@slipway/testing';
import { ADMIN_PASSWORD } from '../helper.ts';
import { type ServerCall, startSignedInServer } from '../server-session.ts';
import { until } from '../wait.ts';

/**
 * The objects the seed creates, by the path parameter that names each: the fuzz hooks
 * (tools/schemathesis/slipway_hooks.py) put them into generated paths, so generated requests
 * reach real objects and not only 404s, and keep them from being deleted. `number` is the
 * finished run (its job `job`, step `step`, and its event stream, which ends); the webhook's
 * and the schedule's generated ids are added as `hook` and `schedule` at seeding.
 */
export const SEED = {
  workspace: 'fuzz',
  project: 'shop',
  pipeline: 'ci',
  environment: 'local',
  number: 1,
  job: 'unit',
  step: 'hello',
  webhook: 'gh',
} as const;

const VIEWER = 'viewer';

const VIEWER_PASSWORD = 'correct-horse-read-only';

const SEED_SPEC = `releaseTypes:
  full: {}
stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps:
          - name: hello
            run: echo hi
`;

/** A user the fuzzer signs in as (password sign-in: a session and its CSRF token). */
export interface FuzzIdentity {
  username: string;
  password: string;
}

/** A running, seeded server and its two identities. */
export interface FuzzTarget {
  server: ServerProcess;
  baseUrl: string;
  /** The platform admin the server bootstraps. */
  admin: FuzzIdentity;
  /** A user who is only a `workspace-viewer` of the seeded workspace. */
  viewer: FuzzIdentity;
  /** The seeded objects by path parameter name ({@link SEED}, plus the `hook` and `schedule` ids). */
  objects: Record<string, string | number>;
  stop(): Promise<void>;
}

async function expectStatus(
  call: ServerCall,
  method: string,
  url: string,
  body: unknown,
  status: number,
): Promise<unknown> {
  const response = await call(method, url, body);
  if (response.status !== status) {
    throw new Error(`seed ${method} ${url}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Starts the real server on `databaseUrl` and seeds it ({@link SEED}): a workspace with an
 * environment on the local executor (no cluster), a project, a pipeline whose first run has
 * finished (waited for, so its job, step log and event stream exist and the stream ends), a
 * webhook and a schedule on that pipeline, and a second user who is a `workspace-viewer` of
 * the workspace. Throws with the response on any seed failure, or when the run fails.
 */
export async function startFuzzTarget(databaseUrl: string): Promise<FuzzTarget> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-fuzz-'));
  const { server, call } = await startSignedInServer({
    databaseUrl,
    env: {
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_LOG_LEVEL: 'warn',
      // The fuzzer signs in with wrong passwords thousands of times: the throttle would
      // answer 429 to everything after the first few (429 is a declared 4xx, but it hides the route).
      SLIPWAY_LOGIN_MAX_FAILURES: '1000000',
    },
  });
  try {
    const ws = `/api/v1/workspaces/${SEED.workspace}`;
    const project = `${ws}/projects/${SEED.project}`;
    const pipeline = `${project}/pipelines/${SEED.pipeline}`;
    const target = { releaseType: 'full', environment: SEED.environment };
    await expectStatus(call, 'POST', '/api/v1/workspaces', { slug: SEED.workspace, name: 'Fuzz' }, 201);
    await expectStatus(call, 'POST', `${ws}/environments`, { name: SEED.environment }, 201);
    await expectStatus(call, 'POST', `${ws}/projects`, { slug: SEED.project, name: 'Shop' }, 201);
    await expectStatus(call, 'POST', `${project}/pipelines`, { name: SEED.pipeline, spec: SEED_SPEC }, 201);
    await expectStatus(call, 'POST', `${pipeline}/runs`, target, 201);
    const run = await until('the seeded run to finish', async () => {
      const { body } = await call('GET', `${pipeline}/runs/${SEED.number}`);
      const status = (body as { status?: string }).status ?? '';
      return ['succeeded', 'failed', 'cancelled'].includes(status) ? body : undefined;
    });
    if ((run as { status: string }).status !== 'succeeded')
      throw new Error(`seed run did not succeed: ${JSON.stringify(run)}`);
    const webhook = (await expectStatus(
      call,
      'POST',
      `${project}/webhooks`,
      {
        name: SEED.webhook,
        provider: 'github',
        events: ['push'],
        secret: 'fuzz-webhook-secret',
        pipeline: SEED.pipeline,
        ...target,
      },
      201,
    )) as { id: string };
    const schedule = (await expectStatus(
      call,
      'POST',
      `${pipeline}/schedules`,
      { cron: '0 3 1 1 *', timezone: 'UTC', ...target },
      201,
    )) as { id: string };
    await expectStatus(call, 'POST', '/api/v1/users', { username: VIEWER, password: VIEWER_PASSWORD }, 201);
    await expectStatus(call, 'POST', `${ws}/members`, { user: VIEWER, role: 'workspace-viewer' }, 201);
    return {
      server,
      baseUrl: server.baseUrl,
      admin: { username: 'admin', password: ADMIN_PASSWORD },
      viewer: { username: VIEWER, password: VIEWER_PASSWORD },
      objects: { ...SEED, hook: webhook.id, schedule: schedule.id },
      async stop() {
        await server.stop();
      },
    };
  } catch (error) {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    throw error;
  }
}

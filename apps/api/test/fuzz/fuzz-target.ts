// The server the fuzz tier attacks: the real server process on a test PostgreSQL database,
// seeded over HTTP with objects for the stateful phase to start from, and the two identities
// the fuzzer signs in as (a platform admin and a workspace viewer).
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerProcess } from '@slipway/testing';
import { ADMIN_PASSWORD } from '../helper.ts';
import { type ServerCall, startSignedInServer } from '../server-session.ts';

/** The workspace, project and pipeline the seed creates (the fuzzer's OpenAPI examples name them too). */
export const SEED = { workspace: 'fuzz', project: 'shop', pipeline: 'ci', viewer: 'viewer' } as const;

const VIEWER_PASSWORD = 'correct-horse-read-only';

const SEED_SPEC = `releaseTypes:
  full: {}
stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps:
          - run: echo hi
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
 * Starts the real server on `databaseUrl` and seeds it: a workspace with a project and a
 * pipeline, and a second user who is a `workspace-viewer` of that workspace. Throws with
 * the response on any seed failure.
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
    await expectStatus(call, 'POST', '/api/v1/workspaces', { slug: SEED.workspace, name: 'Fuzz' }, 201);
    await expectStatus(call, 'POST', `${ws}/projects`, { slug: SEED.project, name: 'Shop' }, 201);
    await expectStatus(
      call,
      'POST',
      `${ws}/projects/${SEED.project}/pipelines`,
      { name: SEED.pipeline, spec: SEED_SPEC },
      201,
    );
    await expectStatus(
      call,
      'POST',
      '/api/v1/users',
      { username: SEED.viewer, password: VIEWER_PASSWORD },
      201,
    );
    await expectStatus(call, 'POST', `${ws}/members`, { user: SEED.viewer, role: 'workspace-viewer' }, 201);
    return {
      server,
      baseUrl: server.baseUrl,
      admin: { username: 'admin', password: ADMIN_PASSWORD },
      viewer: { username: SEED.viewer, password: VIEWER_PASSWORD },
      async stop() {
        await server.stop();
      },
    };
  } catch (error) {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    throw error;
  }
}

// Shared by the faults tier (issue #17): a real server process on a PostgreSQL server the
// test owns, a workspace whose environment runs jobs on the local executor, and the checks
// every scenario ends with.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import { type PostgresServer, type ServerProcess, startPostgresServer } from '@slipway/testing';
import pg from 'pg';
import { expect } from 'vitest';
import { type ServerCall, signInSession } from '../server-session.ts';
import { until } from '../wait.ts';

/** Statuses a run ends in. */
export const FINISHED = ['succeeded', 'failed', 'cancelled'];

/** A PostgreSQL server of the test's own (it gets restarted) with an empty `slipway` database. */
export async function ownPostgres(): Promise<{ server: PostgresServer; databaseUrl: string }> {
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE slipway');
  await admin.end();
  return { server, databaseUrl: server.urlFor('slipway') };
}

/** A temp directory removed by the returned `remove()`. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** POSTs each `[url, body]` in order; every one must answer 201. */
export async function createAll(call: ServerCall, setup: [string, object][]): Promise<void> {
  for (const [url, payload] of setup) {
    const response = await call('POST', url, payload);
    expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(201);
  }
}

/**
 * Workspace `workspace` with environment `environment` (on `cluster` when given, else the
 * local executor), project `app`, then `beforePipeline` (e.g. the manifest and config sets a
 * deploy step names), and pipeline `ci` of `spec`; returns the pipeline's runs URL.
 */
export async function setUpPipeline(
  call: ServerCall,
  options: {
    workspace: string;
    environment: string;
    cluster?: string;
    spec: string;
    beforePipeline?: [string, object][];
  },
): Promise<string> {
  const { workspace: ws, environment, cluster, spec, beforePipeline = [] } = options;
  const pipelines = `/api/v1/workspaces/${ws}/projects/app/pipelines`;
  await createAll(call, [
    ['/api/v1/workspaces', { slug: ws, name: ws }],
    [`/api/v1/workspaces/${ws}/environments`, { name: environment, ...(cluster ? { cluster } : {}) }],
    [`/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' }],
    ...beforePipeline,
    [pipelines, { name: 'ci', spec }],
  ]);
  return `${pipelines}/ci/runs`;
}

/**
 * POSTs `body` to `url` of the server at `baseUrl` as a newly signed-in admin with the
 * `Idempotency-Key` header `key` (the session's `ServerCall` sends no extra headers).
 */
export async function postWithIdempotencyKey(
  baseUrl: string,
  url: string,
  body: object,
  key: string,
): Promise<{ status: number; body: unknown }> {
  const { cookie, csrf } = await signInSession(baseUrl);
  const response = await fetch(`${baseUrl}${url}`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

/** Waits until run `number` at `runsUrl` has finished and returns it. */
export function finishedRun(call: ServerCall, runsUrl: string, number: number, timeoutMs = 120_000) {
  return until(
    `run ${number} to finish`,
    async () => {
      const answer = await call('GET', `${runsUrl}/${number}`).catch(() => undefined);
      const run = answer?.status === 200 ? (answer.body as Run) : undefined;
      return run && FINISHED.includes(run.status) ? run : undefined;
    },
    timeoutMs,
  );
}

/** The server must still be the same process: it recovered without a restart of its own. */
export function expectStillRunning(server: ServerProcess): void {
  expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
  expect(server.child.signalCode).toBeNull();
}

/**
 * A seeded pseudo-random generator (mulberry32; numbers in [0, 1)). The seed comes from
 * SLIPWAY_FAULTS_SEED when set (to replay a failure), else is random; tests print it.
 */
export function seededRandom(): { seed: number; next: () => number } {
  const fromEnv = Number.parseInt(process.env.SLIPWAY_FAULTS_SEED ?? '', 10);
  const seed = Number.isInteger(fromEnv) ? fromEnv >>> 0 : Math.floor(Math.random() * 2 ** 32);
  let state = seed;
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    },
  };
}

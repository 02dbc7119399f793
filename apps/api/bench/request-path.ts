// Benchmark: a signed-in read, the request every console page stands on — listing the one
// project of a workspace (like the demo's) — against a bare Fastify route returning the same
// JSON, measured in the same process and run. The real application listens on a loopback
// port with the server's own logger (level info, written to /dev/null), first on a real
// PostgreSQL, then on the embedded database (PGlite). Usage:
//   node --import tsx apps/api/bench/request-path.ts [seconds=10]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@slipway/db';
import { startPostgresServer } from '@slipway/testing';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { buildApp, REDACTED_LOG_PATHS } from '../src/app.ts';
import { ADMIN_PASSWORD, seedWorkspace, signIn, testAppConfig } from '../test/helper.ts';
import { reportFigure } from './harness.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const LIST_URL = '/api/v1/workspaces/demo/projects';

/** Statements run through Prisma or `Database.sql` (the databases below report each one here). */
let statements = 0;
/** Requests the application has received (autocannon counts only the answers it waited for). */
let received = 0;
const countStatements = () => {
  statements++;
};

interface Load {
  reqPerSec: number;
  /** CPU time of this process (application, load generator and all) per request, µs. */
  cpuMicros: number;
  statements: number;
  p50: number;
  p99: number;
  errors: number;
}

/** autocannon against one URL; every answer must be a 200 or the run is void. */
async function load(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const cpu = process.cpuUsage();
  const statementsBefore = statements;
  const receivedBefore = received;
  const result = await autocannon({ url, headers, connections, duration: seconds });
  const used = process.cpuUsage(cpu);
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) throw new Error(`${url}: ${failures} failed requests of ${result.requests.total}`);
  return {
    reqPerSec: result.requests.average,
    cpuMicros: (used.user + used.system) / result.requests.total,
    statements: (statements - statementsBefore) / Math.max(1, received - receivedBefore),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: failures,
  } satisfies Load;
}

function describe(name: string, figures: Load): string {
  return `${name}: ${figures.reqPerSec.toFixed(0)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, CPU ${figures.cpuMicros.toFixed(0)} µs and ${figures.statements.toFixed(2)} database statements per request`;
}

/** The application on `db`, listening on loopback, seeded, with a signed-in session cookie. */
async function startListening(db: Database) {
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: '/dev/null', sync: false }),
  );
  const built = await buildApp({ db, config: testAppConfig(), logger });
  await built.services.auth.ensureBootstrapAdmin(ADMIN_PASSWORD);
  built.app.addHook('onRequest', async () => {
    received++;
  });
  // The run engine is not started: its idle work is another benchmark's figure, and here it
  // would add its own statements to the count per request.
  const address = await built.app.listen({ host: '127.0.0.1', port: 0 });
  const admin = await signIn(built.app);
  await seedWorkspace(admin, 'demo', 'hello');
  const body = (await admin.request({ method: 'GET', url: LIST_URL })).json() as unknown;
  return {
    url: `${address}${LIST_URL}`,
    headers: { cookie: admin.cookie },
    body,
    close: () => built.app.close(),
  };
}

/** A bare Fastify route returning `body` (the same JSON as the list). */
async function startBare(body: unknown) {
  const bare = Fastify({ logger: false });
  bare.get(LIST_URL, async () => body);
  const address = await bare.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${address}${LIST_URL}`, close: () => bare.close() };
}

async function measure(label: string, db: Database, withBare: boolean) {
  const app = await startListening(db);
  try {
    await load(app.url, app.headers, 10, 2); // warm-up: JIT, pool, caches
    const many = await load(app.url, app.headers, 50, SECONDS);
    console.log(describe(`${label}, 50 connections`, many));
    const one = await load(app.url, app.headers, 1, Math.max(3, SECONDS / 2));
    console.log(describe(`${label}, 1 connection`, one));
    let bare: Load | undefined;
    if (withBare) {
      const route = await startBare(app.body);
      try {
        await load(route.url, {}, 10, 2);
        bare = await load(route.url, {}, 50, SECONDS);
        console.log(describe('bare Fastify, same JSON, 50 connections', bare));
      } finally {
        await route.close();
      }
    }
    return { many, one, bare };
  } finally {
    await app.close();
  }
}

async function onPostgres() {
  const postgres = await startPostgresServer();
  const db = await openDatabase({
    databaseUrl: postgres.url,
    dataDir: os.tmpdir(),
    onQuery: countStatements,
  });
  try {
    const { many, one, bare } = await measure('signed-in list, PostgreSQL', db, true);
    if (!bare) throw new Error('no bare figure');
    reportFigure({
      figure: 'signed-in list, 50 connections, PostgreSQL: req/s',
      value: many.reqPerSec,
      unit: 'req/s',
      goal: '≥ 40 % of a bare Fastify route',
      limit: 0.4 * bare.reqPerSec,
      atLeast: true,
      reference: `bare Fastify route, same JSON, same run: ${bare.reqPerSec.toFixed(0)} req/s`,
    });
    reportFigure({
      figure: 'signed-in list, 50 connections, PostgreSQL: p99',
      value: many.p99,
      unit: 'ms',
      goal: '≤ 25 ms',
      limit: 25,
    });
    reportFigure({
      figure: 'signed-in list, 1 connection, PostgreSQL: req/s',
      value: one.reqPerSec,
      unit: 'req/s',
      goal: 'reported (132 req/s before #11)',
    });
    reportFigure({
      figure: 'signed-in list, 50 connections, PostgreSQL: database statements per request',
      value: many.statements,
      unit: 'statements',
      goal: 'the list query only (1, plus the session’s lastSeenAt written once a minute)',
      // One session, touched at most once a minute of the run.
      limit: 1 + Math.ceil(SECONDS / 60) / (many.reqPerSec * SECONDS),
    });
  } finally {
    await db.close();
    await postgres.stop();
  }
}

async function onEmbedded() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-embedded-'));
  // Without a URL openDatabase starts PGlite in dataDir, as the server does without DATABASE_URL.
  const db = await openDatabase({ dataDir, onQuery: countStatements });
  try {
    const { many } = await measure('signed-in list, embedded database', db, false);
    reportFigure({
      figure: 'signed-in list, 50 connections, embedded database: req/s',
      value: many.reqPerSec,
      unit: 'req/s',
      goal: '≥ 600 req/s (10× the 60 req/s before #11)',
      limit: 600,
      atLeast: true,
    });
    reportFigure({
      figure: 'signed-in list, 50 connections, embedded database: p99',
      value: many.p99,
      unit: 'ms',
      goal: 'reported (1,058 ms before #11)',
    });
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// BENCH_DATABASE=postgres|embedded runs one of the two (e.g. to profile it).
const only = process.env.BENCH_DATABASE;
if (only !== 'embedded') await onPostgres();
if (only !== 'postgres') await onEmbedded();
// Open handles of the engine's clients may linger; the figures are printed.
process.exit(0);

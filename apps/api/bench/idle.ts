// Benchmark: what an idle server costs. Starts the real server process (`src/server.ts`, the
// way `./run start` does) with the demo seeded and no run active, lets it settle, then
// measures over a window: CPU time of the process (from /proc/<pid>/stat) as a share of one
// core, on the embedded database; and on a real PostgreSQL also the transactions the server
// committed in the window (pg_stat_database), i.e. its periodic queries.
// Usage: node --import tsx apps/api/bench/idle.ts [windowSeconds=60]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeLoopbackPort, startPostgresServer, startServerProcess } from '@slipway/testing';
import pg from 'pg';
import { reportFigure } from './harness.ts';

const WINDOW_SECONDS = Number(process.argv[2] ?? 60);
/** After /readyz: the demo seed, the first engine pass and start-up compilation settle. */
const SETTLE_MS = 15_000;
const CLOCK_TICKS_PER_SECOND = 100;
/** How long the database must see nothing before the window starts, ms. */
const QUIET_MS = 10_000;

/** User + system CPU seconds of a process so far (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function committedTransactions(url: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Statistics of other sessions reach the shared counters within about a second (PostgreSQL
    // 15 flushes pending statistics at most once per second, PGSTAT_MIN_INTERVAL).
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Resolves once the database saw no transaction of the server for QUIET_MS (at most 3 minutes). */
async function quiet(database: { url: string; name: string }) {
  const deadline = Date.now() + 180_000;
  let last = await committedTransactions(database.url, database.name);
  let since = Date.now();
  while (Date.now() - since < QUIET_MS && Date.now() < deadline) {
    await sleep(2_000);
    // Readings run in the `postgres` database: they are not counted here.
    const now = await committedTransactions(database.url, database.name);
    if (now !== last) since = Date.now();
    last = now;
  }
}

async function measure(label: string, env: Record<string, string>, database?: { url: string; name: string }) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-idle-'));
  const server = startServerProcess({
    PORT: String(await freeLoopbackPort()),
    SLIPWAY_DATA_DIR: dataDir,
    SLIPWAY_DEMO: 'true',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_PASSWORD: 'idle-bench-password-1',
    ...env,
  });
  try {
    await server.waitUntilReady(180_000);
    await sleep(SETTLE_MS);
    // The demo's first run (started by its seeded push delivery) must be over: on PostgreSQL
    // wait until the server has committed nothing for QUIET_MS.
    if (database) await quiet(database);
    // What the server committed last reaches the shared statistics within about a second.
    await sleep(1500);
    const pid = server.child.pid ?? 0;
    const transactionsBefore = database ? await committedTransactions(database.url, database.name) : 0;
    const cpuBefore = await cpuSeconds(pid);
    await sleep(WINDOW_SECONDS * 1000);
    const cpuAfter = await cpuSeconds(pid);
    await sleep(1500);
    const transactions = database
      ? (await committedTransactions(database.url, database.name)) - transactionsBefore
      : undefined;
    reportFigure({
      figure: `idle server, ${label}: CPU over ${WINDOW_SECONDS} s`,
      value: ((cpuAfter - cpuBefore) / WINDOW_SECONDS) * 100,
      unit: '% of a core',
      goal: '≤ 1 % of one core',
      limit: 1,
    });
    if (transactions !== undefined) {
      reportFigure({
        figure: `idle server, ${label}: transactions in ${WINDOW_SECONDS} s`,
        value: transactions,
        unit: 'transactions',
        goal: '0 periodic queries',
        limit: 0,
      });
    }
  } finally {
    const stopped = await server.stop();
    if (stopped.code !== 0) console.error(server.output().slice(-2000));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  await measure('embedded database', {});
  const postgres = await startPostgresServer();
  try {
    const name = 'slipway_idle';
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    // Autovacuum's workers commit transactions in every database about once a minute (its
    // naptime): off, so the count is the server's own.
    await admin.query('ALTER SYSTEM SET autovacuum = off');
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
    await measure('PostgreSQL', { DATABASE_URL: postgres.urlFor(name) }, { url: postgres.url, name });
  } finally {
    await postgres.stop();
  }
}

await main();

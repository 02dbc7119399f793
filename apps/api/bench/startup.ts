// Benchmark: start-up time and resident memory of the production build (`node
// <assembled>/apps/api/dist/server.js`) against the server from source the way `./run start`
// runs it (`node --import tsx src/server.ts`), both on the same real PostgreSQL (migrated
// once first, so both only check migrations) and on the embedded database. Start-up = spawn
// until /readyz answers 200; RSS = VmRSS of the process once ready plus SETTLE_MS.
// The source's figure, measured in the same run, is each built figure's limit.
// Usage: node --import tsx apps/api/bench/startup.ts [assembled dir from the repository root] [repetitions=3]
//   (`./run bench startup` builds and assembles into .bench/server first)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort, startPostgresServer, startServerProcess } from '@slipway/testing';
import pg from 'pg';
import { percentile, reportFigure } from './harness.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The assembled server, relative to the repository root. */
const ASSEMBLED = path.resolve(REPO_ROOT, process.argv[2] ?? '.bench/server');
const REPETITIONS = Number(process.argv[3] ?? 3);
/** After /readyz: the first engine pass and lazy start-up work settle before RSS is read. */
const SETTLE_MS = 10_000;

/** Resident set size of a process, MiB (VmRSS in /proc/<pid>/status, in kB). */
async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function startOnce(builtServer: string | undefined, databaseUrl: string | undefined) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-startup-'));
  const started = performance.now();
  const server = startServerProcess(
    {
      PORT: String(await freeLoopbackPort()),
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_LOG_LEVEL: 'warn',
      SLIPWAY_DEMO: 'false',
      SLIPWAY_ADMIN_PASSWORD: 'startup-bench-password-1',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    builtServer ? { builtServer } : {},
  );
  try {
    await server.waitUntilReady(180_000);
    const startupMs = performance.now() - started;
    await sleep(SETTLE_MS);
    return { startupMs, rssMiB: await residentMiB(server.child.pid ?? 0) };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function compare(label: string, databaseUrl: string | undefined) {
  const builtServer = path.join(ASSEMBLED, 'apps/api/dist/server.js');
  const source: { startupMs: number; rssMiB: number }[] = [];
  const built: { startupMs: number; rssMiB: number }[] = [];
  // Alternate the two so that a busy moment of the machine hits both alike.
  for (let i = 0; i < REPETITIONS; i += 1) {
    source.push(await startOnce(undefined, databaseUrl));
    built.push(await startOnce(builtServer, databaseUrl));
  }
  const median = (values: number[]) => percentile(values, 50);
  const sourceStartup = median(source.map((s) => s.startupMs));
  const sourceRss = median(source.map((s) => s.rssMiB));
  console.log(
    `${label}: source (tsx) start-up ${sourceStartup.toFixed(0)} ms, RSS ${sourceRss.toFixed(0)} MiB (medians of ${REPETITIONS})`,
  );
  reportFigure({
    figure: `built server start-up to /readyz, ${label}`,
    value: median(built.map((b) => b.startupMs)),
    unit: 'ms',
    goal: '≤ the server from source (tsx), same run',
    limit: sourceStartup,
    reference: `source via tsx: ${sourceStartup.toFixed(0)} ms`,
  });
  reportFigure({
    figure: `built server RSS ${SETTLE_MS / 1000} s after ready, ${label}`,
    value: median(built.map((b) => b.rssMiB)),
    unit: 'MiB',
    goal: '≤ the server from source (tsx), same run',
    limit: sourceRss,
    reference: `source via tsx: ${sourceRss.toFixed(0)} MiB`,
  });
}

async function main() {
  const postgres = await startPostgresServer();
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE slipway_startup');
    await admin.end();
    const databaseUrl = postgres.urlFor('slipway_startup');
    // Migrate once, untimed: every measured start only finds the migrations applied.
    await startOnce(undefined, databaseUrl);
    await compare('PostgreSQL', databaseUrl);
  } finally {
    await postgres.stop();
  }
  await compare('embedded database', undefined);
}

await main();

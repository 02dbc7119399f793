// Benchmark of step logs, with the API server as its own process on a throwaway PostgreSQL:
// 1. archiving throughput: a step writes a log of MiB mebibytes (no viewer); the time from
//    the step's start until its log is archived to the end;
// 2. the API's resident memory (sampled from /proc) while a step writes a log and `viewers`
//    follow it live over the event stream, at MiB and at a quarter of it (a fresh server
//    each), to show that it does not grow with the log's size.
// Usage: node --import tsx apps/api/bench/log-streaming.ts [MiB=1024] [viewers=20]
// SLIPWAY_BENCH_NODE_OPTIONS is passed to the server as NODE_OPTIONS (e.g. --cpu-prof).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, startPostgresServer, startServerProcess } from '@slipway/testing';
import { reportFigure } from './harness.ts';

const MIB = Number(process.argv[2] ?? 1024);
const VIEWERS = Number(process.argv[3] ?? 20);
const PASSWORD = 'log-benchmark-password';
const ARCHIVE_GOAL_MIB_S = 100;
const RSS_GOAL_MIB = 64;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

type PostgresServer = Awaited<ReturnType<typeof startPostgresServer>>;

let pipelineCount = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server process signed in as admin, with a workspace, project and local environment. */
async function startServer(postgres: PostgresServer, seed: boolean) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-'));
  const nodeOptions = process.env.SLIPWAY_BENCH_NODE_OPTIONS;
  const server = startServerProcess({
    SLIPWAY_DATA_DIR: dataDir,
    PORT: String(await freeLoopbackPort()),
    DATABASE_URL: postgres.url,
    SLIPWAY_ADMIN_PASSWORD: PASSWORD,
    SLIPWAY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    SLIPWAY_LOG_LEVEL: 'warn',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  });
  await server.waitUntilReady(60_000);
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const request = async <T>(url: string, body?: object): Promise<T> => {
    const response = await fetch(`${server.baseUrl}${url}`, {
      method: body ? 'POST' : 'GET',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (response.status >= 300) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<T>;
  };
  if (seed) {
    await request('/api/v1/workspaces', { slug: 'bench', name: 'bench' });
    await request('/api/v1/workspaces/bench/projects', { slug: 'app', name: 'app' });
    await request('/api/v1/workspaces/bench/environments', { name: 'local' });
  }
  const pipelines = '/api/v1/workspaces/bench/projects/app/pipelines';
  return {
    pid: server.child.pid ?? 0,
    baseUrl: server.baseUrl,
    cookie,
    pipelines,
    request,
    /** Starts a run of a new pipeline whose one step writes `mib` MiB of 80-character lines. */
    async flood(mib: number): Promise<{ name: string; number: number }> {
      const name = `flood-${process.pid}-${pipelineCount++}`;
      const spec = `stages:
  - name: noisy
    jobs:
      - name: logger
        image: alpine:3.22
        steps:
          - name: flood
            run: yes "a log line of about eighty characters, written over and over by the benchmark" | head -c ${mib * 1024 * 1024}
`;
      await request(pipelines, { name, spec });
      const run = await request<{ number: number }>(`${pipelines}/${name}/runs`, {
        releaseType: 'default',
        environment: 'local',
      });
      return { name, number: run.number };
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** MiB/s from the step's start until its whole log is archived. */
async function archiving(server: Server, mib: number): Promise<number> {
  const { name, number } = await server.flood(mib);
  const runUrl = `${server.pipelines}/${name}/runs/${number}`;
  const logUrl = `${runUrl}/jobs/logger/steps/flood/log?from=999999999&limit=1`;
  for (;;) {
    const page = await server.request<{ complete: boolean }>(logUrl);
    if (page.complete) break;
    await sleep(50);
  }
  const ended = Date.now();
  const run = await server.request<{ jobs: { steps: { startedAt: string | null }[] }[] }>(runUrl);
  const startedAt = Date.parse(run.jobs[0]?.steps[0]?.startedAt ?? '');
  const seconds = (ended - startedAt) / 1000;
  console.log(`archived ${mib} MiB in ${seconds.toFixed(1)} s`);
  return mib / seconds;
}

/** Viewers follow a run of `mib` MiB to its end; the server's RSS growth at peak, in MiB. */
async function following(server: Server, mib: number, viewerCount: number): Promise<number> {
  const baseline = await rssMiB(server.pid);
  const started = performance.now();
  const { name, number } = await server.flood(mib);
  let peak = baseline;
  const sampler = setInterval(() => {
    void rssMiB(server.pid).then((value) => {
      peak = Math.max(peak, value);
    });
  }, 100);
  const received = new Array<number>(viewerCount).fill(0);
  let reconnects = 0;
  const ID = Buffer.from('\nid: ');
  const END = Buffer.from('event: end\n');
  const viewers = Array.from({ length: viewerCount }, async (_, index) => {
    let lastEventId = '';
    // Reconnects like EventSource (a slow viewer may be asked to reconnect and catches up).
    for (;;) {
      const response = await fetch(`${server.baseUrl}${server.pipelines}/${name}/runs/${number}/events`, {
        headers: { cookie: server.cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      });
      const reader = response.body?.getReader();
      let tail = Buffer.alloc(0);
      let ended = false;
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        received[index] = (received[index] ?? 0) + chunk.value.byteLength;
        // Only the last id seen matters: look for it near the end of what came.
        const value = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength);
        tail = Buffer.concat([tail, value.subarray(Math.max(0, value.length - 4096))]).subarray(-8192);
        const at = tail.lastIndexOf(ID);
        const lineEnd = at === -1 ? -1 : tail.indexOf(0x0a, at + ID.length);
        if (lineEnd !== -1) lastEventId = tail.toString('utf8', at + ID.length, lineEnd);
        if (tail.includes(END)) ended = true;
      }
      if (ended) return;
      reconnects += 1;
    }
  });
  await Promise.all(viewers);
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const perViewer = received.reduce((a, b) => a + b, 0) / viewerCount / 1024 / 1024;
  console.log(
    `${mib} MiB to ${viewerCount} viewers in ${seconds.toFixed(1)} s; each viewer received ${perViewer.toFixed(0)} MiB of event stream on average; ${reconnects} reconnects`,
  );
  console.log(
    `API resident memory: baseline ${baseline.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - baseline).toFixed(0)} MiB)`,
  );
  return peak - baseline;
}

async function main() {
  const postgres = await startPostgresServer();
  try {
    let server = await startServer(postgres, true);
    try {
      const rate = await archiving(server, MIB);
      reportFigure({
        figure: `log archiving throughput (${MIB} MiB, no viewer)`,
        value: rate,
        unit: 'MiB/s',
        goal: `≥ ${ARCHIVE_GOAL_MIB_S} MiB/s`,
        limit: ARCHIVE_GOAL_MIB_S,
        atLeast: true,
      });
    } finally {
      await server.stop();
    }
    if (VIEWERS === 0) return;
    // A fresh server for each size, so one size's garbage does not hide the other's growth.
    for (const mib of [Math.max(1, Math.round(MIB / 4)), MIB]) {
      server = await startServer(postgres, false);
      try {
        const growth = await following(server, mib, VIEWERS);
        reportFigure({
          figure: `API RSS growth at peak, ${mib} MiB log, ${VIEWERS} viewers following`,
          value: growth,
          unit: 'MiB',
          goal: `≤ ${RSS_GOAL_MIB} MiB, whatever the log's size`,
          limit: RSS_GOAL_MIB,
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await postgres.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

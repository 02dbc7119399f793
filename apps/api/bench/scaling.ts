// Benchmark: what a second replica adds. Real server processes (`src/server.ts`) on one
// throwaway PostgreSQL, jobs on the local executor:
// 1. HTTP: a signed-in read every console page stands on (a workspace's project list), as
//    many requests per second as one replica answers, then as two answer together (the load
//    split evenly, the same connections in all), in three turns; the ratio of the medians;
// 2. SSE viewers: `viewers` live event streams of a running run held per replica, and the
//    replica's resident memory per viewer;
// 3. failover: the leader SIGKILLed, the time until the other replica logs that it leads (the
//    killed one restarted as a follower between kills); the median of `kills`.
// The load generator (autocannon) runs in this process: on a small machine it competes with
// the replicas and PostgreSQL for the same cores, which the ratio includes.
// Usage: node --import tsx apps/api/bench/scaling.ts [seconds=10] [viewers=1000] [kills=3]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ServerProcess, startPostgresServer } from '@slipway/testing';
import autocannon from 'autocannon';
import { type ServerCall, signInSession, startSignedInServer, untilLeading } from '../test/server-session.ts';
import { percentile, reportFigure } from './harness.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const VIEWERS = Number(process.argv[3] ?? 1000);
const KILLS = Number(process.argv[4] ?? 3);
/** Turns of one replica / two replicas under HTTP load; the medians are reported. */
const ROUNDS = 3;
/** How long a replica may take to stop after SIGTERM (it drains for 8 s). */
const STOP_TIMEOUT_MS = 20_000;
/** Viewers connecting at once per replica. */
const VIEWER_BATCH = 50;
/** Connections of the HTTP load, over all replicas. */
const CONNECTIONS = 16;
const LIST_URL = '/api/v1/workspaces/bench/projects';
const PIPELINES = '/api/v1/workspaces/bench/projects/app/pipelines';
/** A run that stays running while viewers follow it. */
const HOLD_SPEC = `stages:
  - name: hold
    jobs:
      - name: wait
        image: alpine:3.22
        steps:
          - name: sleep
            run: echo holding; sleep 3600
`;

interface Replica {
  server: ServerProcess;
  call: ServerCall;
  cookie: string;
  dataDir: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
}

async function startReplica(databaseUrl: string, logLevel: string): Promise<Replica> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-scaling-'));
  const { server, call } = await startSignedInServer({
    databaseUrl,
    env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_LOG_LEVEL: logLevel },
  });
  // autocannon and the viewers send a session cookie themselves.
  const { cookie } = await signInSession(server.baseUrl);
  return { server, call, cookie, dataDir };
}

/** SIGTERM, then SIGKILL if it has not exited within the drain time and a margin. */
async function stopReplica(replica: Replica) {
  if (replica.server.child.exitCode === null && replica.server.child.signalCode === null) {
    const killer = setTimeout(() => replica.server.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const { code } = await replica.server.stop();
    clearTimeout(killer);
    if (code !== 0)
      console.error(
        `a replica did not stop cleanly (exit ${code}):\n${replica.server.output().slice(-4000)}`,
      );
  }
  await rm(replica.dataDir, { recursive: true, force: true });
}

async function post(call: ServerCall, url: string, body: unknown) {
  const response = await call('POST', url, body);
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Requests per second all `replicas` answer together, the connections split evenly; every answer a 200. */
async function requestsPerSecond(replicas: Replica[], seconds: number): Promise<number> {
  const results = await Promise.all(
    replicas.map((replica) =>
      autocannon({
        url: `${replica.server.baseUrl}${LIST_URL}`,
        headers: { cookie: replica.cookie },
        connections: CONNECTIONS / replicas.length,
        duration: seconds,
      }),
    ),
  );
  let total = 0;
  for (const result of results) {
    const failures = result.errors + result.timeouts + result.non2xx;
    if (failures > 0) throw new Error(`${failures} failed requests of ${result.requests.total}`);
    total += result.requests.average;
  }
  return total;
}

/**
 * Opens `count` live event streams of the run on each replica and holds them; returns the
 * resident memory each replica gained per viewer (KiB) once every viewer had its first frame.
 */
async function viewersHeld(replicas: Replica[], runUrl: string, count: number): Promise<number[]> {
  const before = await Promise.all(replicas.map((r) => rssKiB(r.server.child.pid ?? 0)));
  const abort = new AbortController();
  let closedEarly = 0;
  const open = async (replica: Replica) => {
    const response = await fetch(`${replica.server.baseUrl}${runUrl}/events`, {
      headers: { cookie: replica.cookie },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`events: ${response.status}`);
    const reader = response.body.getReader();
    await reader.read();
    // Held open (read on, so the server's writes never block) until the measurement ends.
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true }));
        if (chunk.done) {
          if (!abort.signal.aborted) closedEarly++;
          return;
        }
      }
    })();
  };
  // In batches, as viewers arrive over time: a storm of simultaneous connects would measure
  // its own transient allocations (RSS keeps its high-water mark) rather than held viewers.
  for (let done = 0; done < count; done += VIEWER_BATCH) {
    const batch = Math.min(VIEWER_BATCH, count - done);
    await Promise.all(replicas.flatMap((replica) => Array.from({ length: batch }, () => open(replica))));
  }
  // Let allocation settle (socket buffers, the stream's state) before reading memory.
  await sleep(3_000);
  const after = await Promise.all(replicas.map((r) => rssKiB(r.server.child.pid ?? 0)));
  abort.abort();
  if (closedEarly > 0) throw new Error(`${closedEarly} viewers were disconnected while held`);
  return after.map((value, index) => (value - (before[index] ?? 0)) / count);
}

async function main() {
  const postgres = await startPostgresServer();
  const replicas: Replica[] = [];
  try {
    const first = await startReplica(postgres.url, 'warn');
    replicas.push(first);
    await post(first.call, '/api/v1/workspaces', { slug: 'bench', name: 'bench' });
    await post(first.call, '/api/v1/workspaces/bench/projects', { slug: 'app', name: 'app' });
    await post(first.call, '/api/v1/workspaces/bench/environments', { name: 'local' });
    await post(first.call, PIPELINES, { name: 'hold', spec: HOLD_SPEC });
    const run = (await post(first.call, `${PIPELINES}/hold/runs`, {
      releaseType: 'default',
      environment: 'local',
    })) as { number: number };
    const runUrl = `${PIPELINES}/hold/runs/${run.number}`;
    for (;;) {
      const { body } = await first.call('GET', runUrl);
      if ((body as { status: string }).status === 'running') break;
      await sleep(100);
    }

    await viewersHeld([first], runUrl, 20); // warm-up: the stream's code paths, first allocations
    const [perViewerOne = 0] = await viewersHeld([first], runUrl, VIEWERS);
    console.log(`1 replica: ${VIEWERS} viewers held, ${perViewerOne.toFixed(1)} KiB RSS per viewer`);

    const second = await startReplica(postgres.url, 'warn');
    replicas.push(second);
    await viewersHeld([second], runUrl, 20);
    const perViewerTwo = await viewersHeld([first, second], runUrl, VIEWERS);
    console.log(
      `2 replicas: ${VIEWERS} viewers held on each, ${perViewerTwo.map((v) => v.toFixed(1)).join(' and ')} KiB RSS per viewer`,
    );

    // One replica, then both, in turns: the machine's other load falls on both figures alike.
    await requestsPerSecond([first, second], 2); // warm-up: JIT, pool, caches
    const ones: number[] = [];
    const twos: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      ones.push(await requestsPerSecond([first], SECONDS));
      twos.push(await requestsPerSecond([first, second], SECONDS));
      console.log(
        `round ${round}: 1 replica ${ones.at(-1)?.toFixed(0)} req/s, 2 replicas ${twos.at(-1)?.toFixed(0)} req/s`,
      );
    }
    const one = percentile(ones, 50);
    const two = percentile(twos, 50);
    await post(first.call, `${runUrl}/cancel`, {});
    for (;;) {
      const { body } = await first.call('GET', runUrl);
      if ((body as { status: string }).status === 'cancelled') break;
      await sleep(100);
    }

    reportFigure({
      figure: `HTTP req/s, signed-in project list, ${CONNECTIONS} connections, 1 replica (median of ${ROUNDS})`,
      value: one,
      unit: 'req/s',
      goal: 'reported',
    });
    reportFigure({
      figure: `HTTP req/s, signed-in project list, ${CONNECTIONS} connections, 2 replicas (median of ${ROUNDS})`,
      value: two,
      unit: 'req/s',
      goal: 'reported',
    });
    reportFigure({
      figure: 'HTTP req/s, 2 replicas / 1 replica',
      value: two / one,
      unit: '×',
      goal: `reported (${os.cpus().length} cores shared with PostgreSQL and the load generator)`,
    });
    reportFigure({
      figure: `SSE viewers held, 2 replicas (${VIEWERS} on each; 1 replica held ${VIEWERS})`,
      value: VIEWERS * perViewerTwo.length,
      unit: 'viewers',
      goal: 'reported',
    });
    reportFigure({
      figure: 'RSS per SSE viewer, 1 replica',
      value: perViewerOne,
      unit: 'KiB',
      goal: 'reported',
    });
    reportFigure({
      figure: 'RSS per SSE viewer, 2 replicas (mean of both)',
      value: perViewerTwo.reduce((a, b) => a + b, 0) / perViewerTwo.length,
      unit: 'KiB',
      goal: 'reported',
    });
    for (const replica of replicas.splice(0)) await stopReplica(replica);

    // Failover: fresh replicas logging at info (the leadership lines).
    const pair = [await startReplica(postgres.url, 'info'), await startReplica(postgres.url, 'info')];
    replicas.push(...pair);
    await untilLeading(pair[0]?.server as ServerProcess, 60_000);
    const takeovers: number[] = [];
    let [leader, follower] = pair as [Replica, Replica];
    for (let kill = 0; kill < KILLS; kill++) {
      const killedAt = performance.now();
      leader.server.child.kill('SIGKILL');
      await untilLeading(follower.server, 60_000);
      takeovers.push(performance.now() - killedAt);
      console.log(`takeover ${kill + 1}: ${takeovers.at(-1)?.toFixed(0)} ms`);
      await leader.server.exited;
      await rm(leader.dataDir, { recursive: true, force: true });
      const restarted = await startReplica(postgres.url, 'info');
      replicas.push(restarted);
      [leader, follower] = [follower, restarted];
    }
    reportFigure({
      figure: `leader takeover after SIGKILL, median of ${KILLS}`,
      value: percentile(takeovers, 50),
      unit: 'ms',
      goal: 'reported',
    });
  } catch (error) {
    console.error(error);
    for (const replica of replicas) console.error(replica.server.output().slice(-4000));
    process.exitCode = 1;
  } finally {
    for (const replica of replicas) await stopReplica(replica).catch(() => undefined);
    await postgres.stop();
  }
}

await main();

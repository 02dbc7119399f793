// Benchmark: API memory while a step writes a 1 GiB log and 20 viewers follow it live over
// the event stream. The server runs as its own process (on a throwaway PostgreSQL); its
// resident memory is sampled from /proc. Usage:
//   node --import tsx apps/api/bench/log-streaming.ts [MiB=1024] [viewers=20]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, startPostgresServer, startServerProcess } from '@slipway/testing';

const MIB = Number(process.argv[2] ?? 1024);
const VIEWERS = Number(process.argv[3] ?? 20);
const PASSWORD = 'log-benchmark-password';

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function main() {
  const postgres = await startPostgresServer();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-'));
  const server = startServerProcess({
    SLIPWAY_DATA_DIR: dataDir,
    PORT: String(await freeLoopbackPort()),
    DATABASE_URL: postgres.url,
    SLIPWAY_ADMIN_PASSWORD: PASSWORD,
    SLIPWAY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    SLIPWAY_LOG_LEVEL: 'warn',
  });
  const pid = server.child.pid ?? 0;
  try {
    await server.waitUntilReady(60_000);
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const post = async (url: string, body: object) => {
      const response = await fetch(`${server.baseUrl}${url}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`${url}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ number: number }>;
    };
    await post('/api/v1/workspaces', { slug: 'bench', name: 'bench' });
    await post('/api/v1/workspaces/bench/projects', { slug: 'app', name: 'app' });
    await post('/api/v1/workspaces/bench/environments', { name: 'local' });
    const pipelines = '/api/v1/workspaces/bench/projects/app/pipelines';
    const bytes = MIB * 1024 * 1024;
    const spec = `stages:
  - name: noisy
    jobs:
      - name: logger
        image: alpine:3.22
        steps:
          - name: flood
            run: yes "a log line of about eighty characters, written over and over by the benchmark" | head -c ${bytes}
`;
    await post(pipelines, { name: 'flood', spec });
    const baseline = await rssMiB(pid);
    const started = performance.now();
    const run = await post(`${pipelines}/flood/runs`, { releaseType: 'default', environment: 'local' });

    let peak = baseline;
    const sampler = setInterval(() => {
      void rssMiB(pid).then((value) => {
        peak = Math.max(peak, value);
      });
    }, 250);
    const received = new Array<number>(VIEWERS).fill(0);
    const viewers = Array.from({ length: VIEWERS }, async (_, index) => {
      let lastEventId = '';
      // Reconnects like EventSource (a slow viewer may be dropped and catches up).
      for (;;) {
        const response = await fetch(`${server.baseUrl}${pipelines}/flood/runs/${run.number}/events`, {
          headers: { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        });
        const reader = response.body?.getReader();
        const decoder = new TextDecoder();
        let tail = '';
        let ended = false;
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          received[index] = (received[index] ?? 0) + chunk.value.byteLength;
          tail = (tail + decoder.decode(chunk.value, { stream: true })).slice(-4096);
          const ids = [...tail.matchAll(/^id: (\S+)$/gm)];
          lastEventId = ids.at(-1)?.[1] ?? lastEventId;
          if (/event: end\n/.test(tail)) ended = true;
        }
        if (ended) return;
      }
    });
    await Promise.all(viewers);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const perViewer = received.reduce((a, b) => a + b, 0) / VIEWERS / 1024 / 1024;
    console.log(
      `log streamed: ${MIB} MiB to ${VIEWERS} viewers in ${seconds.toFixed(1)} s (${(MIB / seconds).toFixed(1)} MiB/s archived)`,
    );
    console.log(`each viewer received ${perViewer.toFixed(0)} MiB of event stream on average`);
    console.log(
      `API resident memory: baseline ${baseline.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - baseline).toFixed(0)} MiB)`,
    );
  } finally {
    await server.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

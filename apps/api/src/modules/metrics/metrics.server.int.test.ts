// The metrics listener of the real server process: on SLIPWAY_METRICS_PORT beside the API,
// following the leader election; SLIPWAY_METRICS_PORT=0 opens no second port; a taken port or
// a malformed value stops the start with exit 78 naming the variable.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  startServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { samples, scrape, total } from '../../../test/metrics.ts';
import { until } from '../../../test/wait.ts';

const exec = promisify(execFile);

/** The TCP ports the process listens on (lsof's field output: `n<address>:<port>` lines). */
async function listeningPorts(pid: number): Promise<number[]> {
  const { stdout } = await exec('lsof', [
    '-a',
    '-p',
    String(pid),
    '-iTCP',
    '-sTCP:LISTEN',
    '-P',
    '-n',
    '-Fn',
  ]);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('n'))
    .map((line) => Number(line.slice(line.lastIndexOf(':') + 1)))
    .sort((a, b) => a - b);
}

describe.skipIf(postgresSkipReason())('the metrics listener of the server process', () => {
  let database: TestDatabase;
  const running: ServerProcess[] = [];
  const launch = (env: Record<string, string> & { PORT: string }) => {
    const server = startServerProcess({
      DATABASE_URL: database.url,
      SLIPWAY_ADMIN_PASSWORD: 'metrics-test-password',
      ...env,
    });
    running.push(server);
    return server;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterEach(() => {
    for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('serves /metrics on SLIPWAY_METRICS_PORT: the leader gauge, requests by route, Node process metrics', async () => {
    const port = await freeLoopbackPort();
    const metricsPort = await freeLoopbackPort();
    const server = launch({ PORT: String(port), SLIPWAY_METRICS_PORT: String(metricsPort) });
    await server.waitUntilReady();
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    await until(
      'the metrics listener',
      async () => (await fetch(url).catch(() => null))?.status === 200 || undefined,
    );
    expect(await listeningPorts(server.child.pid ?? 0)).toEqual([port, metricsPort].sort((a, b) => a - b));

    const scraped = await until('this replica to lead', async () => {
      const current = await scrape(url);
      return total(current, 'slipway_leader') === 1 ? current : undefined;
    });
    expect(
      total(scraped, 'slipway_http_request_duration_seconds', { route: '/readyz', status_code: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(scraped, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples(scraped, 'nodejs_version_info')).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    // The API's own port serves no metrics (with a built console, its single-page fallback
    // answers /metrics with index.html; without one, 404).
    const onApiPort = await fetch(`${server.baseUrl}/metrics`);
    expect(onApiPort.headers.get('content-type') ?? '').not.toContain('version=0.0.4');
    expect(await onApiPort.text()).not.toContain('slipway_leader');
    expect(server.output()).toContain(`metrics: serving ${url}`);

    expect((await server.stop()).code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('opens no metrics port with SLIPWAY_METRICS_PORT=0', async () => {
    const port = await freeLoopbackPort();
    const server = launch({ PORT: String(port), SLIPWAY_METRICS_PORT: '0' });
    await server.waitUntilReady();
    expect(await listeningPorts(server.child.pid ?? 0)).toEqual([port]);
    expect(server.output()).toContain('metrics: off (SLIPWAY_METRICS_PORT=0)');
    expect((await server.stop()).code).toBe(0);
  });

  it('exits 78 naming SLIPWAY_METRICS_PORT when its port is taken or the value is no port', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as net.AddressInfo).port;
    try {
      const server = launch({
        PORT: String(await freeLoopbackPort()),
        SLIPWAY_METRICS_PORT: String(takenPort),
      });
      expect((await server.exited).code).toBe(78);
      expect(server.output()).toContain(
        `slipway: invalid configuration — SLIPWAY_METRICS_PORT: port ${takenPort} on 127.0.0.1 is already in use`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }

    const malformed = launch({ PORT: String(await freeLoopbackPort()), SLIPWAY_METRICS_PORT: 'nine' });
    expect((await malformed.exited).code).toBe(78);
    expect(malformed.output()).toContain('SLIPWAY_METRICS_PORT: must be a port number');
  });
});

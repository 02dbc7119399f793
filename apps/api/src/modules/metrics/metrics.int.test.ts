// The metrics of a real application on a real PostgreSQL, scraped from the metrics listener:
// HTTP requests by route template (never the raw URL), a pipeline run on the local executor
// (runs started/finished/active, engine passes, dispatch latency, log bytes), an event stream
// observed when it ends, the deploy queue reported only while leading, and one registry per app.
import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { family, type Scrape, samples, scrape, total } from '../../../test/metrics.ts';
import { readStream, until } from '../../../test/wait.ts';
import { type MetricsListener, startMetricsListener } from './metrics-listener.ts';

const WS = '/api/v1/workspaces/metrics';
const PIPELINES = `${WS}/projects/app/pipelines`;
const HTTP = 'slipway_http_request_duration_seconds';
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - name: say
            run: echo "compiling for the metrics test"
  - name: test
    jobs:
      - name: check
        image: alpine:3
        steps:
          - name: say
            run: echo "checking"
`;

describe.skipIf(postgresSkipReason())('metrics', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let listener: MetricsListener;
  let base: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'metrics', 'app', 'local');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    listener = await startMetricsListener({ registry: t.metrics.registry, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  it('serves the text format at /metrics only, with Node process metrics and every Slipway series', async () => {
    const scraped = await scrape(listener.url);
    for (const name of [
      HTTP,
      'slipway_runs_started_total',
      'slipway_runs_finished_total',
      'slipway_runs_active',
      'slipway_deploy_queue_depth',
      'slipway_engine_pass_duration_seconds',
      'slipway_dispatch_latency_seconds',
      'slipway_log_archived_bytes_total',
      'slipway_kube_watch_restarts_total',
      'slipway_leader',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(family(scraped, name).help).not.toBe('');
    }
    expect(family(scraped, HTTP).type).toBe('histogram');
    expect(family(scraped, 'slipway_runs_started_total').type).toBe('counter');
    expect(total(scraped, 'slipway_leader')).toBe(0);

    const origin = new URL(listener.url).origin;
    for (const path of ['/', '/metrics/more', '/api/v1/me', '/metricsx']) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${origin}/metrics?name[]=up`)).status).toBe(200);
    expect((await fetch(listener.url, { method: 'POST' })).status).toBe(405);
  });

  it('observes requests by method, route template and status; unknown URLs share one label', async () => {
    const before = await scrape(listener.url);
    const workspace = { method: 'GET', route: '/api/v1/workspaces/:workspace' };
    for (let i = 0; i < 3; i++) {
      expect((await admin.request({ method: 'GET', url: WS })).statusCode).toBe(200);
    }
    expect((await admin.request({ method: 'GET', url: '/api/v1/workspaces/no-such-space' })).statusCode).toBe(
      404,
    );
    const unknown = ['/api/v1/nothing-here-8f2c', '/no/such/page-31d7', '/api/v1/workspaces/metrics/x/y/z'];
    for (const url of unknown) {
      expect((await admin.request({ method: 'GET', url })).statusCode).toBe(404);
    }
    // Refused by Fastify before any hook: a malformed percent-encoding, a parameter over 100 characters.
    expect((await fetch(`${base}/api/v1/workspaces/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${base}/api/v1/workspaces/${'w'.repeat(150)}`)).status).toBe(414);
    const after = await scrape(listener.url);

    const refused = (status: string) => {
      const labels = { method: 'GET', route: 'unmatched', status_code: status };
      return total(after, HTTP, labels) - total(before, HTTP, labels);
    };
    expect([refused('400'), refused('414')]).toEqual([1, 1]);
    const ok = { ...workspace, status_code: '200' };
    expect(total(after, HTTP, ok) - total(before, HTTP, ok)).toBe(3);
    const missing = { ...workspace, status_code: '404' };
    expect(total(after, HTTP, missing) - total(before, HTTP, missing)).toBe(1);
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    expect(total(after, HTTP, unmatched) - total(before, HTTP, unmatched)).toBe(3);
    // The raw URLs are in no label: the label values stay as many as the routes.
    const routes = new Set(samples(after, HTTP).map((sample) => sample.labels.route));
    for (const url of unknown) expect([...routes].some((route) => route?.includes(url))).toBe(false);
    expect([...routes].some((route) => route?.includes('no-such-space'))).toBe(false);
    const [sample] = samples(after, HTTP, ok);
    expect(Number(sample?.sum)).toBeGreaterThan(0);
    expect(Number(sample?.buckets?.['+Inf'])).toBe(Number(sample?.count));
  });

  it('counts a run on the local executor: started, finished, active, engine passes, dispatch latency, log bytes, its event stream', async () => {
    t.engine.start();
    const before = await scrape(listener.url);
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: 'ci', spec: SPEC },
    });
    expect(created.statusCode, created.body).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ci/runs`,
      payload: { releaseType: 'default', environment: 'local' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { number } = started.json() as Run;
    // Read to its end: the stream ends by itself once the run ended and its logs are archived.
    const frames = await readStream(`${base}${PIPELINES}/ci/runs/${number}/events`, { cookie: admin.cookie });
    expect(frames.at(-1)?.event).toBe('end');
    const run = (await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${number}` })).json() as Run;
    expect(run.status, JSON.stringify(run.jobs)).toBe('succeeded');

    const after = await until('the stream and the run to be counted', async () => {
      const scraped = await scrape(listener.url);
      return total(scraped, 'slipway_runs_finished_total', { status: 'succeeded' }) >
        total(before, 'slipway_runs_finished_total', { status: 'succeeded' }) &&
        total(scraped, HTTP, {
          route: '/api/v1/workspaces/:workspace/projects/:project/pipelines/:pipeline/runs/:number/events',
        }) > 0
        ? scraped
        : undefined;
    });
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);
    expect(moved('slipway_runs_started_total', { trigger: 'manual' })).toBe(1);
    expect(moved('slipway_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(moved('slipway_runs_finished_total', { status: 'failed' })).toBe(0);
    expect(total(after, 'slipway_runs_active')).toBe(0);
    expect(moved('slipway_engine_pass_duration_seconds')).toBeGreaterThanOrEqual(3);
    // One dispatch per job, each measured from when it became ready.
    expect(moved('slipway_dispatch_latency_seconds', { executor: 'local' })).toBe(2);
    const [dispatch] = samples(after, 'slipway_dispatch_latency_seconds', { executor: 'local' });
    expect(Number(dispatch?.sum)).toBeGreaterThan(0);
    expect(moved('slipway_log_archived_bytes_total')).toBeGreaterThanOrEqual(
      'compiling for the metrics test\nchecking\n'.length,
    );
  });

  it('counts a run as active while it runs', async () => {
    const spec = SPEC.replace('echo "checking"', 'sleep 30');
    expect(
      (await admin.request({ method: 'POST', url: PIPELINES, payload: { name: 'slow', spec } })).statusCode,
    ).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/slow/runs`,
      payload: { releaseType: 'default', environment: 'local' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { number } = started.json() as Run;
    await until('the run to be active', async () =>
      total(await scrape(listener.url), 'slipway_runs_active') === 1 ? true : undefined,
    );
    const before = await scrape(listener.url);
    const cancelled = await admin.request({ method: 'POST', url: `${PIPELINES}/slow/runs/${number}/cancel` });
    expect(cancelled.statusCode, cancelled.body).toBeLessThan(300);
    const after = await until('the run to end', async () => {
      const scraped = await scrape(listener.url);
      return total(scraped, 'slipway_runs_active') === 0 ? scraped : undefined;
    });
    expect(
      total(after, 'slipway_runs_finished_total', { status: 'cancelled' }) -
        total(before, 'slipway_runs_finished_total', { status: 'cancelled' }),
    ).toBe(1);
  });

  it('reports the deploy queue of every environment while leading, and nothing otherwise', async () => {
    const prisma = t.db.prisma;
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: 'metrics' } });
    const project = await prisma.project.findFirstOrThrow({
      where: { slug: 'app', workspaceId: workspace.id },
    });
    // A locked environment holds its queue: the releases stay queued while the controller runs.
    const environment = await prisma.environment.create({
      data: { workspaceId: workspace.id, name: 'held', locked: true },
    });
    for (const number of [101, 102]) {
      await prisma.release.create({
        data: {
          projectId: project.id,
          number,
          environmentId: environment.id,
          environmentName: 'held',
          namespace: 'held',
          status: 'queued',
          objects: [],
          createdByName: 'admin',
        },
      });
    }
    const depth = (scraped: Scrape, name: string) =>
      samples(scraped, 'slipway_deploy_queue_depth', { workspace: 'metrics', environment: name });

    expect(depth(await scrape(listener.url), 'held')).toEqual([]);
    t.releases.start();
    try {
      const leading = await scrape(listener.url);
      expect(depth(leading, 'held').map((s) => Number(s.value))).toEqual([2]);
      expect(depth(leading, 'local').map((s) => Number(s.value))).toEqual([0]);
    } finally {
      await t.releases.stop();
    }
    expect(depth(await scrape(listener.url), 'held')).toEqual([]);
  });

  it('keeps one registry per application: a second app counts only its own requests', async () => {
    const second = await buildTestApp();
    const secondListener = await startMetricsListener({
      registry: second.metrics.registry,
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const route = { route: '/api/v1/auth/login' };
      const firstBefore = total(await scrape(listener.url), HTTP, route);
      await signIn(second.app);
      expect(total(await scrape(secondListener.url), HTTP, route)).toBe(1);
      expect(total(await scrape(listener.url), HTTP, route)).toBe(firstBefore);
    } finally {
      await secondListener.close();
      await second.close();
    }
  });
});

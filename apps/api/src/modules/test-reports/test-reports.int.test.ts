import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Run, RunTests } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';
import { until } from '../../../test/wait.ts';
import { REPORT_MAX_BYTES, type ReportEntry } from './report-ingest.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/shop/pipelines';
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const SPEC = `stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3.22
        steps:
          - run: echo testing
  - name: package
    jobs:
      - name: tarball
        image: alpine:3.22
        steps:
          - run: echo packaged
`;

/** A report with these cases of suite "cart": `name: status` (failed cases get a message). */
function report(cases: Record<string, 'passed' | 'failed' | 'skipped'>): string {
  const body = Object.entries(cases)
    .map(([name, status]) => {
      if (status === 'failed') {
        return `<testcase classname="cart" name="${name}" time="0.5"><failure message="${name} broke">at ${name}.js:1</failure></testcase>`;
      }
      if (status === 'skipped') return `<testcase classname="cart" name="${name}"><skipped/></testcase>`;
      return `<testcase classname="cart" name="${name}" time="0.25"/>`;
    })
    .join('');
  return `<?xml version="1.0"?><testsuites><testsuite name="cart">${body}</testsuite></testsuites>`;
}

async function* entries(files: Record<string, string | Buffer | Readable>): AsyncIterable<ReportEntry> {
  for (const [file, content] of Object.entries(files)) {
    const stream = content instanceof Readable ? content : Readable.from([Buffer.from(content)]);
    yield { path: file, size: content instanceof Readable ? 0 : content.length, stream };
  }
}

/** `size` bytes in 1 MiB chunks, never held whole. */
function bigStream(size: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      this.push(part);
    },
  });
}

const refs = (list: RunTests['comparison']['newFailures']) =>
  list.map((c) => `${c.job}/${c.suite}/${c.name}`);

describe.skipIf(postgresSkipReason())('test reports: ingest, GET …/runs/{n}/tests and the comparison', () => {
  let t: TestApp;
  let admin: SignedInClient;

  async function startRun(ref?: string): Promise<number> {
    const created = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ci/runs`,
      payload: { releaseType: 'default', environment: 'dev', ...(ref ? { ref } : {}) },
    });
    expect(created.statusCode, created.body).toBe(201);
    return finished((created.json() as Run).number);
  }

  async function finished(number: number): Promise<number> {
    await until(`run ${number} to finish`, async () => {
      const response = await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${number}` });
      const run = response.json() as Run;
      return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    });
    return number;
  }

  /** Where a job attempt of run `number` reports to: what the job-files route passes to ingest. */
  async function source(number: number, job = 'unit') {
    const row = await t.db.prisma.jobRun.findFirstOrThrow({
      where: { name: job, run: { number, pipeline: { name: 'ci' } } },
      orderBy: { attempt: 'desc' },
      select: { id: true, runId: true, run: { select: { pipelineId: true } } },
    });
    return { jobRunId: row.id, runId: row.runId, pipelineId: row.run.pipelineId };
  }

  async function tests(number: number, client = admin): Promise<RunTests> {
    const response = await client.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${number}/tests` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as RunTests;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop', 'dev');
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: 'ci', spec: SPEC },
    });
    expect(created.statusCode, created.body).toBe(201);
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('stores the cases of every readable file and a warning for each file that is not', async () => {
    const run = await startRun();
    expect(await tests(run)).toEqual({
      total: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      cases: [],
      comparison: { previousRun: null, newFailures: [], fixed: [], stillFailing: [] },
      warnings: [],
    });
    const summary = await t.testReports.ingest(
      await source(run),
      entries({
        'reports/pytest.xml': await readFile(path.join(FIXTURES, 'pytest.xml')),
        'reports/broken.xml': await readFile(path.join(FIXTURES, 'malformed-unclosed.xml')),
        'reports/huge.xml': bigStream(REPORT_MAX_BYTES + 1),
        'reports/cart.xml': report({ adds: 'passed', coupon: 'failed' }),
      }),
    );
    expect(summary).toMatchObject({ files: 4, cases: 7 });

    const body = await tests(run);
    expect(body).toMatchObject({ total: 7, passed: 3, failed: 3, skipped: 1 });
    // Failures first (in job and report order), then skips, then passes.
    expect(body.cases.map((c) => `${c.status} ${c.classname}.${c.name}`)).toEqual([
      'failed tests.test_math.test_sub',
      'failed tests.test_db.test_add',
      'failed cart.coupon',
      'skipped tests.test_math.test_div[0]',
      'passed tests.test_math.test_add',
      'passed tests.test_db.test_query',
      'passed cart.adds',
    ]);
    expect(body.cases[2]).toEqual({
      job: 'unit',
      stage: 'test',
      suite: 'cart',
      classname: 'cart',
      name: 'coupon',
      status: 'failed',
      message: 'coupon broke',
      stack: 'at coupon.js:1',
      durationMs: 500,
      change: 'new',
    });
    expect(body.cases[6]).toEqual({
      job: 'unit',
      stage: 'test',
      suite: 'cart',
      classname: 'cart',
      name: 'adds',
      status: 'passed',
      durationMs: 250,
    });
    expect(body.comparison.previousRun).toBeNull();
    expect(refs(body.comparison.newFailures)).toEqual([
      'unit/pytest/test_sub',
      'unit/pytest/test_add',
      'unit/cart/coupon',
    ]);
    expect(body.warnings).toEqual([
      {
        job: 'unit',
        stage: 'test',
        file: 'reports/broken.xml',
        message:
          "5:3: Expected closing tag 'testcase' (opened in line 4, col 5) instead of closing tag 'testsuite'.",
      },
      { job: 'unit', stage: 'test', file: 'reports/huge.xml', message: 'not read: larger than 20 MiB' },
    ]);
  });

  it('compares with the previous finished run on the same branch: new, fixed and still failing', async () => {
    const first = await startRun('main');
    await t.testReports.ingest(
      await source(first),
      entries({
        'cart.xml': report({ adds: 'passed', coupon: 'failed', totals: 'failed', ships: 'failed' }),
      }),
    );
    // A run on another branch and a run without reports in between are not compared with.
    const other = await startRun('feature');
    await t.testReports.ingest(await source(other), entries({ 'cart.xml': report({ adds: 'failed' }) }));
    await startRun('main');

    const second = await startRun('main');
    await t.testReports.ingest(
      await source(second),
      entries({
        'cart.xml': report({ adds: 'failed', coupon: 'passed', totals: 'failed', ships: 'skipped' }),
      }),
    );
    const body = await tests(second);
    expect(body.comparison.previousRun).toBe(first);
    expect(refs(body.comparison.newFailures)).toEqual(['unit/cart/adds']);
    expect(refs(body.comparison.stillFailing)).toEqual(['unit/cart/totals']);
    expect(refs(body.comparison.fixed)).toEqual(['unit/cart/coupon']);
    expect(body.cases.filter((c) => c.status === 'failed').map((c) => `${c.name} ${c.change}`)).toEqual([
      'adds new',
      'totals still',
    ]);
    // On the feature branch, nothing earlier: every failure is new.
    expect((await tests(other)).comparison).toMatchObject({
      previousRun: null,
      newFailures: [{ name: 'adds' }],
    });

    // A retry from the later stage re-uses the test job: it shows that job's results.
    const retry = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ci/runs/${second}/retry`,
      payload: { fromStage: 'package' },
    });
    expect(retry.statusCode, retry.body).toBe(201);
    const retried = await finished((retry.json() as Run).number);
    const again = await tests(retried);
    expect(again).toMatchObject({ total: 4, failed: 2, passed: 1, skipped: 1 });
    expect(again.comparison.previousRun).toBe(second);
    expect(refs(again.comparison.stillFailing)).toEqual(['unit/cart/adds', 'unit/cart/totals']);
  });

  it('replaces what an earlier upload of the same job attempt stored', async () => {
    const run = await startRun('replace');
    const where = await source(run);
    await t.testReports.ingest(
      where,
      entries({ 'a.xml': report({ one: 'failed', two: 'passed' }), 'b.xml': '<' }),
    );
    await t.testReports.ingest(where, entries({ 'a.xml': report({ one: 'passed' }) }));
    const body = await tests(run);
    expect(body).toMatchObject({ total: 1, passed: 1, failed: 0, warnings: [] });
  });

  it('stores nothing when the upload breaks off (a stream error), and says so to the caller', async () => {
    const run = await startRun('broken');
    const where = await source(run);
    await t.testReports.ingest(where, entries({ 'a.xml': report({ kept: 'passed' }) }));
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(
      t.testReports.ingest(where, entries({ 'b.xml': report({ lost: 'passed' }), 'c.xml': failing })),
    ).rejects.toThrow('connection reset');
    expect((await tests(run)).cases.map((c) => c.name)).toEqual(['kept']);
  });

  it('is readable by whoever may read the run, and by nobody else', async () => {
    const run = await startRun('readers');
    const viewer = await signInAsProjectMember(t.app, admin, {
      workspace: 'acme',
      project: 'shop',
      username: 'vera',
      role: 'viewer',
    });
    expect((await tests(run, viewer)).total).toBe(0);
    await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'olga', password: 'outsider-password' },
    });
    const outsider = await signIn(t.app, 'olga', 'outsider-password');
    const refused = await outsider.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${run}/tests` });
    expect(refused.statusCode).toBe(404);
    const missing = await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/9999/tests` });
    expect(missing.statusCode).toBe(404);
    const invalid = await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/zero/tests` });
    expect(invalid.statusCode).toBe(400);
  });
});

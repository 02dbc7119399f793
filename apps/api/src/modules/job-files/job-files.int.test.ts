// Files into and out of jobs on the local executor, end to end: the real server (listening,
// so jobs reach it at its loopback URL), PostgreSQL, the runner's restore and upload steps
// with curl and tar, and the real test reports and cache store behind the job-files routes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepository, type TestRepository } from '../../../test/git-repository.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  until,
} from '../../../test/helper.ts';

const exec = promisify(execFile);
const PROJECT = '/api/v1/workspaces/files/projects/app';
const PIPELINES = `${PROJECT}/pipelines`;

describe.skipIf(postgresSkipReason())('restore and upload steps on the local executor', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let repository: TestRepository | undefined;

  async function pipeline(name: string, spec: string) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
  }

  async function runToEnd(name: string): Promise<Run> {
    const created = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { number } = created.json() as Run;
    return until(`run ${name}#${number} to finish`, async () => {
      const run = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/${name}/runs/${number}` })
      ).json() as Run;
      return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    });
  }

  async function log(name: string, run: number, job: string, step: string): Promise<string> {
    return until(`the log of ${job}/${step}`, async () => {
      const page = (
        await admin.request({
          method: 'GET',
          url: `${PIPELINES}/${name}/runs/${run}/jobs/${job}/steps/${step}/log`,
        })
      ).json() as { lines: { text: string }[]; complete: boolean };
      return page.complete ? page.lines.map((l) => l.text).join('\n') : undefined;
    });
  }

  const stepsOf = (run: Run, job: string) =>
    run.jobs.find((j) => j.name === job)?.steps.map((s) => `${s.name}:${s.status}`);

  beforeAll(async () => {
    repository = await createTestRepository();
    await repository.commit('package-lock.json', '{"lockfileVersion":3}\n', 'lock');
    t = await buildTestApp({ allowLocalRepos: true });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'files');
    for (const [url, payload] of [
      [
        '/api/v1/workspaces/files/projects',
        { slug: 'app', name: 'app', repoUrl: repository.dir, defaultBranch: 'main' },
      ],
      ['/api/v1/workspaces/files/environments', { name: 'dev' }],
    ] as const) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, response.body).toBe(201);
    }
    // Jobs reach the server at its loopback URL: it must listen (on any free port).
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
    await repository?.remove();
  });

  it("passes a stage's artifacts to the next stage and serves them for download byte for byte", async () => {
    await pipeline(
      'build',
      `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        artifacts: { paths: [dist/**], expireIn: 1d }
        steps:
          - name: make
            run: |
              mkdir -p dist/docs && head -c 300000 /dev/urandom > dist/app.bin && echo notes > dist/docs/README
              echo scratch > not-kept.txt
              sha256sum dist/app.bin > ../app.sha256
              cat ../app.sha256
  - name: test
    jobs:
      - name: check
        image: alpine:3.22
        steps:
          - name: read
            run: |
              sha256sum dist/app.bin
              ls dist/docs
              test ! -e not-kept.txt && echo "only the artifacts came"
`,
    );
    const run = await runToEnd('build');
    expect(run.status).toBe('succeeded');
    expect(stepsOf(run, 'compile')).toEqual(['checkout:succeeded', 'make:succeeded', 'upload:succeeded']);
    expect(stepsOf(run, 'check')).toEqual(['checkout:succeeded', 'restore:succeeded', 'read:succeeded']);
    const made = await log('build', run.number, 'compile', 'make');
    const digest = made.match(/([0-9a-f]{64}) {2}dist\/app.bin/)?.[1];
    expect(digest, made).toBeDefined();
    expect(await log('build', run.number, 'compile', 'upload')).toContain('kept 2 files');
    expect(await log('build', run.number, 'check', 'restore')).toContain(
      'restoring the artifacts of compile',
    );
    const read = await log('build', run.number, 'check', 'read');
    expect(read).toContain(`${digest}  dist/app.bin`);
    expect(read).toContain('only the artifacts came');

    const listed = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs/${run.number}/artifacts`,
    });
    expect((listed.json() as { items: Array<{ job: string; path: string; size: number }> }).items).toEqual([
      expect.objectContaining({ job: 'compile', path: 'dist/app.bin', size: 300_000 }),
      expect.objectContaining({ job: 'compile', path: 'dist/docs/README', size: 6 }),
    ]);
    const download = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs/${run.number}/artifacts/compile`,
    });
    expect(download.statusCode).toBe(200);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-artifacts-download-'));
    try {
      await writeFile(path.join(dir, 'a.tgz'), download.rawPayload);
      await exec('tar', ['-xzf', 'a.tgz'], { cwd: dir });
      const bytes = await readFile(path.join(dir, 'dist/app.bin'));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(digest);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('misses the cache and saves it, then hits it: the second run skips the download', async () => {
    await pipeline(
      'deps',
      `stages:
  - name: build
    jobs:
      - name: install
        image: node:24
        cache:
          key: deps-\${{ hashFiles('package-lock.json') }}
          paths: [vendor]
        steps:
          - name: download
            run: |
              if [ -d vendor ]; then echo "vendor is cached: no download"; else echo downloading; mkdir -p vendor/.bin && echo lib > vendor/lib.txt; ln -s ../lib.txt vendor/.bin/lib; fi
          - name: use
            run: cat vendor/.bin/lib
`,
    );
    const first = await runToEnd('deps');
    expect(first.status).toBe('succeeded');
    expect(stepsOf(first, 'install')).toEqual([
      'checkout:succeeded',
      'restore:succeeded',
      'download:succeeded',
      'use:succeeded',
      'upload:succeeded',
    ]);
    expect(await log('deps', first.number, 'install', 'restore')).toMatch(/cache miss: deps-[0-9a-f]{64}/);
    expect(await log('deps', first.number, 'install', 'download')).toContain('downloading');
    expect(await log('deps', first.number, 'install', 'upload')).toMatch(/saved the cache deps-[0-9a-f]{64}/);

    const second = await runToEnd('deps');
    expect(second.status).toBe('succeeded');
    expect(await log('deps', second.number, 'install', 'restore')).toMatch(/cache hit: deps-[0-9a-f]{64}/);
    const download = await log('deps', second.number, 'install', 'download');
    expect(download).toContain('vendor is cached: no download');
    expect(download).not.toContain('downloading');
    expect(await log('deps', second.number, 'install', 'use')).toContain('lib');
    expect(await log('deps', second.number, 'install', 'upload')).toContain('is not saved again');
  });

  it('uploads test reports after a failing test step; the job stays failed and the tests show the failure', async () => {
    await pipeline(
      'tests',
      `stages:
  - name: test
    jobs:
      - name: unit
        image: node:24
        reports: { junit: reports/*.xml }
        steps:
          - name: test
            run: |
              mkdir -p reports
              echo '<testsuite name="math"><testcase classname="m" name="adds"/><testcase classname="m" name="divides"><failure message="expected 2, got 3">at divide</failure></testcase></testsuite>' > reports/unit.xml
              echo "token: [\${SLIPWAY_JOB_TOKEN:-none}]"
              exit 1
          - name: after
            run: echo never
`,
    );
    const run = await runToEnd('tests');
    expect(run.status).toBe('failed');
    expect(stepsOf(run, 'unit')).toEqual([
      'checkout:succeeded',
      'test:failed',
      'after:skipped',
      'upload:succeeded',
    ]);
    // The job's own steps never see its token.
    expect(await log('tests', run.number, 'unit', 'test')).toContain('token: [none]');
    expect(await log('tests', run.number, 'unit', 'upload')).toContain('read 1 test report files');
    const tests = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/tests/runs/${run.number}/tests` })
    ).json() as {
      total: number;
      failed: number;
      cases: Array<{ name: string; status: string; message?: string }>;
    };
    expect(tests).toMatchObject({ total: 2, failed: 1 });
    expect(tests.cases[0]).toMatchObject({ name: 'divides', status: 'failed', message: 'expected 2, got 3' });
  });

  it('answers a job-files call without a valid job token 401, whatever else it carries', async () => {
    const response = await admin.request({ method: 'GET', url: '/api/v1/job-files/artifacts' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'Unauthorized', message: 'the job token is not valid' });
  });
});

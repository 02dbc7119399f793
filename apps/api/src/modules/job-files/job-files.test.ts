// The job-files routes with in-memory doubles of the stores (the real ones are in the
// integration tests), called by the real restore and upload scripts run with /bin/sh.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { restoreScript, uploadScript } from '@slipway/pipeline';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../plugins/error-handler.ts';
import type { JobFilesRepo } from './job-files.repo.ts';
import { registerJobFilesRoutes } from './job-files.routes.ts';
import { createJobFilesService, type JobArtifactStore } from './job-files.service.ts';
import { createJobTokens, JOB_TOKEN_GRACE_MS } from './job-token.ts';

const exec = promisify(execFile);
const JOB_ID = '11111111-2222-4333-8444-555555555555';
const EARLIER_ID = '99999999-2222-4333-8444-555555555555';
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        artifacts: { paths: [dist/**], expireIn: 1d }
        reports: { junit: reports/*.xml }
        cache: { key: k, paths: [node_modules] }
        steps:
          - run: make
`;

class ArtifactLimitError extends Error {
  override name = 'ArtifactLimitError';
}

describe('the job-files routes', () => {
  const tokens = createJobTokens(Buffer.alloc(32, 3));
  let finishedAt: Date | null = null;
  let limit = Number.POSITIVE_INFINITY;
  const kept = new Map<string, Map<string, Buffer>>();
  const reports: Array<[string, string]> = [];
  const caches = new Map<string, Buffer>();
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  let workspace: string;

  const repo: JobFilesRepo = {
    async findJob(id) {
      if (id !== JOB_ID) return null;
      return {
        id,
        stage: 'build',
        stageIndex: 1,
        name: 'compile',
        executor: 'local',
        status: 'running',
        finishedAt,
        run: { id: 'run-1', spec: SPEC, pipelineId: 'p-1', pipeline: { projectId: 'proj-1' } },
      };
    },
  };
  const artifacts: JobArtifactStore = {
    async saveJobArtifacts({ jobRunId, entries, expiresAt }) {
      expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
      const files = new Map<string, Buffer>();
      let total = 0;
      for await (const entry of entries) {
        total += entry.size;
        if (total > limit) throw new ArtifactLimitError(`the run's artifacts would pass ${limit} bytes`);
        files.set(entry.path, await buffer(entry.stream));
      }
      kept.set(jobRunId, files);
    },
    async jobsWithArtifacts() {
      return [{ job: 'earlier', jobRunId: EARLIER_ID }];
    },
    async openJobArchive(jobRunId) {
      if (jobRunId !== EARLIER_ID) return null;
      const { stdout } = await exec('sh', ['-c', `cd "${dir}/earlier" && tar -czf - dist | base64 -w0`]);
      return Readable.from([Buffer.from(stdout, 'base64')]);
    },
  };

  async function run(script: string, token = tokens.sign(JOB_ID)) {
    const file = path.join(dir, 'step.sh');
    await writeFile(file, script);
    try {
      const { stdout, stderr } = await exec('/bin/sh', ['-e', file], {
        cwd: workspace,
        env: { PATH: process.env.PATH, SLIPWAY_API_URL: url, SLIPWAY_JOB_TOKEN: token },
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-job-files-api-'));
    await mkdir(path.join(dir, 'earlier/dist'), { recursive: true });
    await writeFile(path.join(dir, 'earlier/dist/app.bin'), 'from an earlier stage');
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerErrorHandler(app);
    await registerJobFilesRoutes(app, {
      jobFiles: createJobFilesService({
        repo,
        tokens,
        artifacts,
        testReports: {
          async ingest(ids, entries) {
            for await (const entry of entries) reports.push([ids.jobRunId, entry.path]);
          },
        },
        caches: {
          async open({ key }) {
            const archive = caches.get(key);
            return archive ? Readable.from([archive]) : null;
          },
          async save({ key }, body) {
            if (caches.has(key)) return { saved: false, reason: 'the key exists' };
            caches.set(key, await buffer(body));
            return { saved: true };
          },
        },
      }),
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    finishedAt = null;
    limit = Number.POSITIVE_INFINITY;
    kept.clear();
    reports.length = 0;
    workspace = await mkdtemp(path.join(dir, 'ws-'));
  });

  it('signs deterministic tokens and refuses forged ones', () => {
    expect(tokens.sign(JOB_ID)).toBe(tokens.sign(JOB_ID));
    expect(tokens.verify(tokens.sign(JOB_ID))).toBe(JOB_ID);
    expect(tokens.verify(`${EARLIER_ID}.${tokens.sign(JOB_ID).split('.')[1]}`)).toBeNull();
    expect(createJobTokens(Buffer.alloc(32, 4)).verify(tokens.sign(JOB_ID))).toBeNull();
    expect(tokens.verify('nonsense')).toBeNull();
  });

  it('keeps exactly the selected files of an upload and reads the reports', async () => {
    await mkdir(path.join(workspace, 'dist/deep'), { recursive: true });
    await mkdir(path.join(workspace, 'reports'), { recursive: true });
    await writeFile(path.join(workspace, 'dist/deep/a.bin'), 'a');
    await writeFile(path.join(workspace, 'reports/r.xml'), '<testsuite/>');
    const result = await run(
      uploadScript({
        artifacts: { paths: ['dist/**'], expireInSeconds: 86_400 },
        reports: { junit: ['reports/*.xml'] },
        cache: undefined,
      }),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('kept 1 files (1 bytes) as artifacts of compile');
    expect(result.output).toContain('read 1 test report files');
    expect([...(kept.get(JOB_ID)?.entries() ?? [])].map(([p, b]) => [p, b.toString()])).toEqual([
      ['dist/deep/a.bin', 'a'],
    ]);
    expect(reports).toEqual([[JOB_ID, 'reports/r.xml']]);
  });

  it('filters on the server whatever the client sends', async () => {
    await mkdir(path.join(workspace, 'dist'), { recursive: true });
    await writeFile(path.join(workspace, 'dist/a'), 'a');
    await writeFile(path.join(workspace, 'other'), 'not an artifact');
    const { stdout } = await exec('sh', ['-c', 'tar -czf - dist other | base64 -w0'], { cwd: workspace });
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/job-files/artifacts',
      headers: { authorization: `Bearer ${tokens.sign(JOB_ID)}`, 'content-type': 'application/gzip' },
      payload: Buffer.from(stdout, 'base64'),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect([...(kept.get(JOB_ID)?.keys() ?? [])]).toEqual(['dist/a']);
  });

  it('answers 413 with the limit message, which the step prints before failing', async () => {
    limit = 3;
    await mkdir(path.join(workspace, 'dist'), { recursive: true });
    await writeFile(path.join(workspace, 'dist/big'), 'more than three bytes');
    const result = await run(
      uploadScript({
        artifacts: { paths: ['dist'], expireInSeconds: 60 },
        reports: undefined,
        cache: undefined,
      }),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("uploading artifacts failed: the run's artifacts would pass 3 bytes");
  });

  it('answers 401 in the standard shape for a bad or expired token, 400 for a body that is not tar.gz', async () => {
    const put = (token: string, payload = 'x') =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/job-files/reports',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
        payload,
      });
    const forged = await put(`${JOB_ID}.AAAA`);
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'the job token is not valid',
    });
    finishedAt = new Date(Date.now() - JOB_TOKEN_GRACE_MS - 1000);
    expect((await put(tokens.sign(JOB_ID))).json().message).toContain('has expired');
    finishedAt = new Date(Date.now() - 1000);
    const garbage = await put(tokens.sign(JOB_ID), 'not a tar.gz');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().message).toContain('not a tar.gz archive');
  });

  it('lists and hands out earlier artifacts to the restore step', async () => {
    const result = await run(restoreScript({ artifacts: true, cache: undefined }));
    expect(result.code, result.output).toBe(0);
    expect(await readFile(path.join(workspace, 'dist/app.bin'), 'utf8')).toBe('from an earlier stage');
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/job-files/artifacts/nope',
      headers: { authorization: `Bearer ${tokens.sign(JOB_ID)}` },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('misses, saves and then hits the cache', async () => {
    const cache = { key: [{ text: 'deps-1' }], paths: ['node_modules'] };
    expect((await run(restoreScript({ artifacts: false, cache }))).output).toContain('cache miss: deps-1');
    await mkdir(path.join(workspace, 'node_modules'), { recursive: true });
    await writeFile(path.join(workspace, 'node_modules/x.js'), 'x');
    const saved = await run(uploadScript({ artifacts: undefined, reports: undefined, cache }));
    expect(saved.output).toContain('saved the cache deps-1');
    await rm(path.join(workspace, 'node_modules'), { recursive: true });
    expect((await run(restoreScript({ artifacts: false, cache }))).output).toContain('cache hit: deps-1');
    expect(await readFile(path.join(workspace, 'node_modules/x.js'), 'utf8')).toBe('x');
  });
});

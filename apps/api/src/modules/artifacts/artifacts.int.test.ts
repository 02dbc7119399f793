// Job artifacts on real PostgreSQL (large objects): saved through the artifact store as the
// job-files routes do, listed and downloaded byte-identical through the user API, the per-run
// limit (nothing half stored), expiry and run deletion collected by the leader's GC, and the
// jobs of a retry that re-used a job reading the original run's artifacts.
import { randomBytes } from 'node:crypto';
import type { Run, RunArtifacts } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { entriesOf, readTarGz } from '../../../test/tar-files.ts';
import { ArtifactLimitError, createArtifactStore } from './artifact-store.ts';
import { createArtifactsRepo } from './artifacts.repo.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/shop/pipelines';
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        artifacts:
          paths: [dist/**]
        steps:
          - run: make
      - name: docs
        image: alpine
        artifacts:
          paths: [site/**]
        steps:
          - run: make docs
  - name: test
    jobs:
      - name: check
        image: alpine
        steps:
          - run: make check
`;
const HOUR = 3_600_000;

describe.skipIf(postgresSkipReason())('job artifacts', () => {
  let t: TestApp;
  let admin: SignedInClient;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop', 'dev');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A new pipeline and a run of it (not started: the engine is not running), with its job attempts. */
  async function newRun(pipeline: string) {
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: pipeline, spec: SPEC },
    });
    expect(created.statusCode, created.body).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/${pipeline}/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const run = started.json() as Run;
    return { run, ...(await jobsOf(pipeline, run.number)) };
  }

  async function jobsOf(pipeline: string, number: number) {
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number, pipeline: { name: pipeline } },
      include: { jobs: true },
    });
    const job = (name: string) => {
      const found = row.jobs.find((j) => j.name === name);
      if (!found) throw new Error(`no job ${name}`);
      return found;
    };
    return { runId: row.id, projectId: '', compile: job('compile'), docs: job('docs'), check: job('check') };
  }

  function save(
    target: { runId: string },
    jobRun: { id: string; name: string },
    files: Record<string, Buffer>,
    expiresAt = new Date(Date.now() + HOUR),
    store = t.artifacts.store,
  ) {
    return store.saveJobArtifacts({
      jobRunId: jobRun.id,
      runId: target.runId,
      projectId: '',
      job: jobRun.name,
      expiresAt,
      entries: entriesOf(files),
    });
  }

  async function blobCounts() {
    const [row] = await t.db.prisma.$queryRaw<{ blobs: bigint; objects: bigint }[]>`
      SELECT (SELECT count(*) FROM postgres_blobs) AS blobs,
             (SELECT count(*) FROM pg_largeobject_metadata) AS objects`;
    return { blobs: Number(row?.blobs), objects: Number(row?.objects) };
  }

  it('stores a job’s files as one archive, lists them and downloads them byte-identical', async () => {
    const { run, ...target } = await newRun('stored');
    const files = {
      'dist/app.bin': randomBytes(3 * 1024 * 1024 + 17),
      'dist/nested/deep/readme.txt': Buffer.from('hello artifacts\n'),
      'dist/empty': Buffer.alloc(0),
      [`dist/${'long-name-'.repeat(15)}.txt`]: Buffer.from('a name past the 100 bytes of a plain tar header'),
    };
    const saved = await save(target, target.compile, files);
    expect(saved).toMatchObject({
      files: 4,
      filesBytes: Object.values(files).reduce((n, b) => n + b.length, 0),
    });
    expect(saved.archiveBytes).toBeGreaterThan(3 * 1024 * 1024);

    const listed = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/stored/runs/${run.number}/artifacts`,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    const { items } = listed.json() as RunArtifacts;
    expect(items.map(({ job, path, size }) => ({ job, path, size }))).toEqual(
      Object.entries(files).map(([path, data]) => ({ job: 'compile', path, size: data.length })),
    );
    expect(new Date(items[0]?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now());

    const download = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/stored/runs/${run.number}/artifacts/compile`,
    });
    expect(download.statusCode, download.body.slice(0, 200)).toBe(200);
    expect(download.headers['content-type']).toBe('application/gzip');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="stored-${run.number}-compile.tar.gz"`,
    );
    const unpacked = await readTarGz(download.rawPayload);
    expect([...unpacked.keys()]).toEqual(Object.keys(files));
    for (const [path, data] of Object.entries(files))
      expect(unpacked.get(path)?.equals(data), path).toBe(true);

    // Later stages get the job's archive; its own stage does not.
    expect(await t.artifacts.store.jobsWithArtifacts(target.runId, 1)).toEqual([
      { job: 'compile', jobRunId: target.compile.id },
    ]);
    expect(await t.artifacts.store.jobsWithArtifacts(target.runId, 0)).toEqual([]);

    const none = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/stored/runs/${run.number}/artifacts/docs`,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({
      statusCode: 404,
      message: expect.stringContaining('has no artifacts'),
    });
    const noJob = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/stored/runs/${run.number}/artifacts/nope`,
    });
    expect(noJob.statusCode).toBe(404);
    expect(noJob.json()).toMatchObject({ message: `run ${run.number} has no job "nope"` });
  });

  it('replaces an earlier upload of the same job attempt, deleting its blob', async () => {
    const { run, ...target } = await newRun('replaced');
    const before = await blobCounts();
    await save(target, target.compile, { 'dist/a': Buffer.from('first') });
    await save(target, target.compile, { 'dist/b': Buffer.from('second') });
    expect(await blobCounts()).toEqual({ blobs: before.blobs + 1, objects: before.objects + 1 });
    const { items } = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/replaced/runs/${run.number}/artifacts` })
    ).json() as RunArtifacts;
    expect(items.map((i) => i.path)).toEqual(['dist/b']);
  });

  it('refuses artifacts past the per-run limit naming it, and stores nothing of the refused job', async () => {
    const { run, ...target } = await newRun('limited');
    const store = createArtifactStore({
      artifacts: createArtifactsRepo(t.db.prisma),
      blobs: t.artifacts.blobs,
      config: { maxRunBytes: 2 * 1024 * 1024 },
    });
    await save(target, target.compile, { 'dist/one': randomBytes(1024 * 1024) }, undefined, store);
    const before = await blobCounts();

    // Declared sizes pass the check, the bytes do not: stopped while streaming.
    const over = save(
      target,
      target.docs,
      { 'site/a': randomBytes(600 * 1024), 'site/b': randomBytes(600 * 1024) },
      undefined,
      store,
    );
    await expect(over).rejects.toBeInstanceOf(ArtifactLimitError);
    await expect(over).rejects.toMatchObject({
      statusCode: 413,
      message: expect.stringMatching(
        /over the limit of 2 MiB per run \(SLIPWAY_ARTIFACT_MAX_RUN_BYTES=2097152\)/,
      ),
    });
    expect(await blobCounts()).toEqual(before);
    expect(await t.db.prisma.artifactArchive.count({ where: { jobRunId: target.docs.id } })).toBe(0);

    // A file whose bytes pass the limit midway (a lying declared size is no way around it).
    async function* lying() {
      for await (const entry of entriesOf({ 'site/big': randomBytes(1536 * 1024) }))
        yield { ...entry, size: 10 };
    }
    await expect(
      store.saveJobArtifacts({
        jobRunId: target.docs.id,
        runId: target.runId,
        projectId: '',
        job: 'docs',
        expiresAt: new Date(Date.now() + HOUR),
        entries: lying(),
      }),
    ).rejects.toThrow(/SLIPWAY_ARTIFACT_MAX_RUN_BYTES|size/);
    expect(await blobCounts()).toEqual(before);

    const { items } = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/limited/runs/${run.number}/artifacts` })
    ).json() as RunArtifacts;
    expect(items.map((i) => i.path)).toEqual(['dist/one']);
  });

  it('deletes expired artifacts (blob and rows) on the leader’s collection; gone at once for readers', async () => {
    const { run, ...target } = await newRun('expiring');
    const before = await blobCounts();
    await save(target, target.compile, { 'dist/old': Buffer.from('old') }, new Date(Date.now() - 1000));
    await save(target, target.docs, { 'site/new': Buffer.from('new') });
    expect(await blobCounts()).toEqual({ blobs: before.blobs + 2, objects: before.objects + 2 });

    const { items } = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/expiring/runs/${run.number}/artifacts` })
    ).json() as RunArtifacts;
    expect(items.map((i) => i.path)).toEqual(['site/new']);
    const expired = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/expiring/runs/${run.number}/artifacts/compile`,
    });
    expect(expired.statusCode).toBe(404);

    expect(await t.artifacts.gc.collect()).toBeGreaterThanOrEqual(1);
    expect(await t.db.prisma.artifactArchive.count({ where: { jobRunId: target.compile.id } })).toBe(0);
    expect(await t.db.prisma.artifactArchive.count({ where: { jobRunId: target.docs.id } })).toBe(1);
    expect(await blobCounts()).toEqual({ blobs: before.blobs + 1, objects: before.objects + 1 });
  });

  it('deletes a run’s artifacts with the run (its pipeline deleted)', async () => {
    const { ...target } = await newRun('deleted');
    const before = await blobCounts();
    await save(target, target.compile, { 'dist/x': randomBytes(2000) });
    expect((await blobCounts()).objects).toBe(before.objects + 1);
    const removed = await admin.request({ method: 'DELETE', url: `${PIPELINES}/deleted?cancelRuns=true` });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await t.db.prisma.artifactFile.count({ where: { archive: { runId: null } } })).toBeGreaterThan(0);
    await t.artifacts.gc.collect();
    expect(await t.db.prisma.artifactArchive.count({ where: { runId: null } })).toBe(0);
    expect(await blobCounts()).toEqual(before);
  });

  it('gives a retry’s re-used job the artifacts of the run that ran it', async () => {
    const { run, ...target } = await newRun('retried');
    const files = { 'dist/app': randomBytes(5000) };
    await save(target, target.compile, files);
    // The first run's build stage succeeded, its test stage failed (set here: no engine runs).
    await t.db.prisma.jobRun.updateMany({ where: { runId: target.runId }, data: { status: 'succeeded' } });
    await t.db.prisma.jobRun.update({ where: { id: target.check.id }, data: { status: 'failed' } });
    await t.db.prisma.pipelineRun.update({ where: { id: target.runId }, data: { status: 'failed' } });
    const retried = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/retried/runs/${run.number}/retry`,
      payload: { fromStage: 'test' },
    });
    expect(retried.statusCode, retried.body).toBe(201);
    const second = retried.json() as Run;
    const again = await jobsOf('retried', second.number);
    expect(again.compile.reusedFrom).toBe(run.number);

    expect(await t.artifacts.store.jobsWithArtifacts(again.runId, 1)).toEqual([
      { job: 'compile', jobRunId: target.compile.id },
    ]);
    const { items } = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/retried/runs/${second.number}/artifacts` })
    ).json() as RunArtifacts;
    expect(items.map(({ job, path }) => ({ job, path }))).toEqual([{ job: 'compile', path: 'dist/app' }]);
    const download = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/retried/runs/${second.number}/artifacts/compile`,
    });
    expect(download.statusCode).toBe(200);
    expect((await readTarGz(download.rawPayload)).get('dist/app')?.equals(files['dist/app'])).toBe(true);
  });
});

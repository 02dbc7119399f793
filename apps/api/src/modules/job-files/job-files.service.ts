import type { Readable } from 'node:stream';
import { artifactExpirySeconds } from '@slipway/pipeline';
import { AppError, BadRequestError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts';
import { parseRunSpec } from '../runs/run-spec.ts';
import type { JobFilesRepo } from './job-files.repo.ts';
import { JOB_TOKEN_GRACE_MS, type JobTokens } from './job-token.ts';
import { ArchiveError, type FileEntry, selectedArchive, selectedFiles } from './tar-entries.ts';

/** 413: what was sent is more than a limit allows (the artifact size limit of a run). */
export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  readonly statusCode = 413;
}

/** 503: this server keeps no such files (its store is not wired). */
class UnavailableError extends AppError {
  override name = 'UnavailableError';
  readonly statusCode = 503;
}

/** Where artifacts are kept (modules/artifacts): the part of it the job-files routes use. */
export interface JobArtifactStore {
  /** Keeps a job attempt's files; throws `ArtifactLimitError` (by name) past the run's limit. */
  saveJobArtifacts(input: {
    jobRunId: string;
    runId: string;
    projectId: string;
    job: string;
    expiresAt: Date;
    entries: AsyncIterable<FileEntry>;
  }): Promise<unknown>;
  /** Jobs of earlier stages of the run (reused ones of a retry included) with artifacts, in stage order. */
  jobsWithArtifacts(
    runId: string,
    beforeStageIndex: number,
  ): Promise<Array<{ job: string; jobRunId: string }>>;
  /** A job attempt's artifacts as a .tar.gz stream, or null. */
  openJobArchive(jobRunId: string): Promise<Readable | null>;
}

/** Test reports (modules/test-reports): never throws for bad XML (it records a warning). */
export interface JobTestReports {
  ingest(
    ids: { jobRunId: string; runId: string; pipelineId: string },
    entries: AsyncIterable<FileEntry>,
  ): Promise<unknown>;
}

/** Caches per project and key (modules/caches). */
export interface JobCacheStore {
  open(ref: CacheRef): Promise<Readable | null>;
  /** A key that exists is not overwritten; over the size limit: `saved: false` with the reason. */
  save(ref: CacheRef, body: Readable): Promise<{ saved: boolean; reason?: string }>;
}

export interface CacheRef {
  projectId: string;
  executor: 'local' | 'kubernetes';
  key: string;
}

/** The job attempt a valid token names, with what its spec says it keeps. */
export interface TokenJob {
  jobRunId: string;
  runId: string;
  pipelineId: string;
  projectId: string;
  stageIndex: number;
  name: string;
  executor: 'local' | 'kubernetes';
  artifacts: { paths: string[]; expireInSeconds: number } | undefined;
  junit: string[] | undefined;
  cachePaths: string[] | undefined;
}

/** An entry source that counts what the consumer read. */
function counted(entries: AsyncIterable<FileEntry>) {
  const totals = { files: 0, bytes: 0 };
  async function* each() {
    for await (const entry of entries) {
      totals.files++;
      totals.bytes += entry.size;
      yield entry;
    }
  }
  return { entries: each(), totals };
}

/** 1536 → `1.5 KiB`. */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Runs `save`; an ArchiveError becomes 400, an ArtifactLimitError 413. */
async function refusing<T>(save: () => Promise<T>): Promise<T> {
  try {
    return await save();
  } catch (error) {
    if (error instanceof ArchiveError) throw new BadRequestError(error.message);
    if (error instanceof Error && error.name === 'ArtifactLimitError')
      throw new PayloadTooLargeError(error.message);
    throw error;
  }
}

/**
 * What a job's restore and upload steps do through the API (`/api/v1/job-files/*`), as the
 * job attempt its token names: keep artifacts and test reports, hand out earlier stages'
 * artifacts, fetch and save the cache. Bodies are tar.gz streams, filtered by the job's
 * globs as they arrive; nothing is held whole in memory.
 */
export function createJobFilesService(deps: {
  repo: JobFilesRepo;
  tokens: JobTokens;
  artifacts?: JobArtifactStore | undefined;
  testReports?: JobTestReports | undefined;
  caches?: JobCacheStore | undefined;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const needs = <T>(store: T | undefined, what: string): T => {
    if (!store) throw new UnavailableError(`this server does not keep ${what}`);
    return store;
  };

  return {
    /**
     * The job attempt of `Authorization: Bearer <job token>`: signed by this server, and the
     * attempt not finished or finished less than 10 minutes ago. Anything else is 401.
     */
    async authenticate(authorization: string | undefined): Promise<TokenJob> {
      const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const jobRunId = token ? deps.tokens.verify(token) : null;
      const row = jobRunId ? await deps.repo.findJob(jobRunId) : null;
      if (!row) throw new UnauthorizedError('the job token is not valid');
      if (row.finishedAt && now().getTime() - row.finishedAt.getTime() > JOB_TOKEN_GRACE_MS) {
        throw new UnauthorizedError('the job token has expired: its job ended more than 10 minutes ago');
      }
      const spec = parseRunSpec(row.run.spec);
      const job = spec.stages.find((s) => s.name === row.stage)?.jobs?.find((j) => j.name === row.name);
      const junit = job?.reports?.junit;
      return {
        jobRunId: row.id,
        runId: row.run.id,
        pipelineId: row.run.pipelineId,
        projectId: row.run.pipeline.projectId,
        stageIndex: row.stageIndex,
        name: row.name,
        executor: row.executor === 'kubernetes' ? 'kubernetes' : 'local',
        artifacts: job?.artifacts && {
          paths: job.artifacts.paths,
          expireInSeconds: artifactExpirySeconds(job.artifacts.expireIn),
        },
        junit: junit === undefined ? undefined : typeof junit === 'string' ? [junit] : junit,
        cachePaths: job?.cache?.paths,
      };
    },

    /** Keeps the files of the upload that `artifacts.paths` select; 413 past the run's limit. */
    async saveArtifacts(job: TokenJob, body: Readable): Promise<{ message: string }> {
      const store = needs(deps.artifacts, 'artifacts');
      const spec = job.artifacts;
      if (!spec) throw new BadRequestError(`job "${job.name}" has no artifacts in its spec`);
      const { entries, totals } = counted(selectedFiles(body, spec.paths));
      await refusing(() =>
        store.saveJobArtifacts({
          jobRunId: job.jobRunId,
          runId: job.runId,
          projectId: job.projectId,
          job: job.name,
          expiresAt: new Date(now().getTime() + spec.expireInSeconds * 1000),
          entries,
        }),
      );
      return {
        message: `kept ${totals.files} files (${sizeText(totals.bytes)}) as artifacts of ${job.name}`,
      };
    },

    /** One job name a line: earlier stages' jobs of the run that have artifacts, in stage order. */
    async listArtifacts(job: TokenJob): Promise<string> {
      const jobs = await needs(deps.artifacts, 'artifacts').jobsWithArtifacts(job.runId, job.stageIndex);
      return jobs.map((j) => `${j.job}\n`).join('');
    },

    /** The artifacts of an earlier job of the run, as .tar.gz. */
    async openArtifacts(job: TokenJob, name: string): Promise<Readable> {
      const store = needs(deps.artifacts, 'artifacts');
      const found = (await store.jobsWithArtifacts(job.runId, job.stageIndex)).find((j) => j.job === name);
      const archive = found ? await store.openJobArchive(found.jobRunId) : null;
      if (!archive)
        throw new NotFoundError(`no artifacts of a job "${name}" in an earlier stage of this run`);
      return archive;
    },

    /** Hands the files `reports.junit` selects to the test reports. */
    async saveReports(job: TokenJob, body: Readable): Promise<{ message: string }> {
      const reports = needs(deps.testReports, 'test reports');
      if (!job.junit) throw new BadRequestError(`job "${job.name}" has no reports in its spec`);
      const { entries, totals } = counted(selectedFiles(body, job.junit));
      await refusing(() =>
        reports.ingest({ jobRunId: job.jobRunId, runId: job.runId, pipelineId: job.pipelineId }, entries),
      );
      return { message: `read ${totals.files} test report files` };
    },

    /** The cache saved under `key` for the job's project and executor kind, or 404. */
    async openCache(job: TokenJob, key: string): Promise<Readable> {
      const archive = await needs(deps.caches, 'caches').open({
        projectId: job.projectId,
        executor: job.executor,
        key,
      });
      if (!archive) throw new NotFoundError(`no cache "${key}"`);
      return archive;
    },

    /** Saves what `cache.paths` select under `key` (never over an existing key; never fails the job). */
    async saveCache(
      job: TokenJob,
      key: string,
      body: Readable,
    ): Promise<{ message: string; saved: boolean }> {
      const caches = needs(deps.caches, 'caches');
      const paths = job.cachePaths;
      if (!paths) throw new BadRequestError(`job "${job.name}" has no cache in its spec`);
      const result = await refusing(() =>
        caches.save({ projectId: job.projectId, executor: job.executor, key }, selectedArchive(body, paths)),
      );
      return result.saved
        ? { saved: true, message: `saved the cache ${key}` }
        : { saved: false, message: `the cache ${key} was not saved: ${result.reason ?? 'refused'}` };
    },
  };
}

export type JobFilesService = ReturnType<typeof createJobFilesService>;

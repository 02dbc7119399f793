import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { formatBytes } from '@slipway/contracts';
import tar from 'tar-stream';
import { AppError, NotFoundError } from '../../lib/errors.ts';
import type { ArtifactsRepo } from './artifacts.repo.ts';
import type { BlobStore } from './blob-store.ts';

/** One file to store: a path relative to the job's workspace and its bytes (T's job-files routes). */
export interface ArtifactEntry {
  /** Relative, `/`-separated, without `.` or `..` parts. */
  path: string;
  /** Bytes the stream yields. */
  size: number;
  stream: Readable;
  /** Permission bits kept in the archive (default 0644). */
  mode?: number | undefined;
}

export interface SaveJobArtifactsInput {
  jobRunId: string;
  runId: string;
  projectId: string;
  job: string;
  /** When the archive expires (the job's `artifacts.expireIn` after it ends). */
  expiresAt: Date;
  /** Regular files only; consumed in order, each stream read to its end. */
  entries: AsyncIterable<ArtifactEntry>;
}

/** What `saveJobArtifacts` stored. */
export interface SavedArtifacts {
  files: number;
  /** Sum of the files' sizes (what counts toward the run's limit). */
  filesBytes: number;
  /** Bytes of the stored .tar.gz (0 when there were no files: nothing is stored then). */
  archiveBytes: number;
}

/**
 * The run's artifacts would pass SLIPWAY_ARTIFACT_MAX_RUN_BYTES: nothing of the job's upload is
 * kept. 413 (Content Too Large, RFC 9110 §15.5.14); the message names the limit and the setting.
 */
export class ArtifactLimitError extends AppError {
  override name = 'ArtifactLimitError';
  readonly statusCode = 413;
}

function limitError(job: string, limit: number, total: number): ArtifactLimitError {
  return new ArtifactLimitError(
    `the artifacts of job "${job}" would bring the run's artifacts to ${formatBytes(total)}, over the limit of ` +
      `${formatBytes(limit)} per run (SLIPWAY_ARTIFACT_MAX_RUN_BYTES=${limit}); nothing of this job was stored`,
  );
}

/** Checks an entry's path: relative, `/`-separated, no `.`/`..`/empty parts, at most 4096 characters. */
function checkPath(path: string): void {
  const parts = path.split('/');
  if (
    path.length === 0 ||
    path.length > 4096 ||
    path.includes('\0') ||
    parts.some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new Error(`invalid artifact path "${path}"`);
  }
}

/** Writes one stream into a tar-stream entry, keeping to its backpressure; rejects on any error. */
async function writeEntry(pack: tar.Pack, entry: ArtifactEntry, onBytes: (n: number) => void): Promise<void> {
  let packClosed: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    // The pack destroyed meanwhile (the store failed) ends the entry, drained or not.
    packClosed = () => fail(new Error('the archive was closed'));
    pack.once('close', packClosed);
    const sink = pack.entry(
      { name: entry.path, size: entry.size, mode: entry.mode ?? 0o644, mtime: new Date(), type: 'file' },
      (error) => (error ? reject(error) : resolve()),
    );
    // Its failure is reported through the entry's callback.
    sink.on('error', () => undefined);
    const source = entry.stream;
    const fail = (error: unknown) => {
      source.destroy();
      sink.destroy(error instanceof Error ? error : new Error(String(error)));
      reject(error);
    };
    source.on('error', fail);
    source.on('data', (chunk: Buffer) => {
      onBytes(chunk.length);
      if (!sink.write(chunk)) {
        source.pause();
        sink.once('drain', () => source.resume());
      }
    });
    // tar-stream's entries are streamx Writables: end() takes no chunk.
    source.on('end', () => (sink as unknown as { end(): void }).end());
  }).finally(() => {
    if (packClosed) pack.off('close', packClosed);
  });
}

/**
 * Job artifacts: one .tar.gz per job attempt in the blob store, with a row per file, a per-run
 * size limit and an expiry (README "Artifacts"). Used by the job-files routes (uploads from jobs,
 * downloads into later jobs) and by the user API.
 */
export function createArtifactStore(deps: {
  artifacts: ArtifactsRepo;
  blobs: BlobStore;
  config: { maxRunBytes: number };
  now?: () => Date;
}) {
  const { artifacts, blobs } = deps;
  const limit = deps.config.maxRunBytes;
  const now = deps.now ?? (() => new Date());

  return {
    /**
     * Packs `entries` into one .tar.gz (tar-stream + gzip) streamed into the blob store, counting
     * the files' bytes against the run's limit as they pass; records the archive and a row per
     * file only once the blob is complete, replacing an earlier upload of the same job attempt.
     * No files: nothing is stored. Throws `ArtifactLimitError` (413) when the run's artifacts
     * would pass SLIPWAY_ARTIFACT_MAX_RUN_BYTES, `NotFoundError` when the run is gone, and the
     * entries' own error when they fail; in every case nothing of the upload is left.
     */
    async saveJobArtifacts(input: SaveJobArtifactsInput): Promise<SavedArtifacts> {
      const used = await artifacts.runFilesBytes(input.runId, input.jobRunId);
      const blobKey = `artifacts/${input.runId}/${input.jobRunId}/${randomUUID()}.tar.gz`;
      const pack = tar.pack();
      const gzip = zlib.createGzip();
      pack.on('error', (error: Error) => gzip.destroy(error));
      pack.pipe(gzip);
      let stopped: Error | undefined;
      const stop = (error: Error) => {
        stopped ??= error;
        pack.destroy(error);
        gzip.destroy(error);
      };
      const stored = blobs.put(blobKey, gzip);
      // A store that fails stops the packing (else a writer would wait for a drain forever).
      stored.catch((error: unknown) => stop(error instanceof Error ? error : new Error(String(error))));

      const files: Array<{ path: string; size: number }> = [];
      const seen = new Set<string>();
      let filesBytes = 0;
      try {
        for await (const entry of input.entries) {
          if (stopped) throw stopped;
          checkPath(entry.path);
          if (seen.has(entry.path)) {
            // A path twice (possible in a tar): the first one is kept.
            entry.stream.resume();
            continue;
          }
          seen.add(entry.path);
          if (used + filesBytes + entry.size > limit)
            throw limitError(input.job, limit, used + filesBytes + entry.size);
          let bytes = 0;
          await writeEntry(pack, entry, (n) => {
            bytes += n;
            if (used + filesBytes + bytes > limit) {
              const error = limitError(input.job, limit, used + filesBytes + bytes);
              entry.stream.destroy(error);
            }
          });
          files.push({ path: entry.path, size: bytes });
          filesBytes += bytes;
        }
        if (stopped) throw stopped;
        if (files.length === 0) {
          stop(new Error('no files'));
          await stored.catch(() => undefined);
          return { files: 0, filesBytes: 0, archiveBytes: 0 };
        }
        pack.finalize();
        const { size } = await stored;
        const saved = await artifacts.insertArchive(
          {
            runId: input.runId,
            jobRunId: input.jobRunId,
            job: input.job,
            blobKey,
            size,
            filesBytes,
            expiresAt: input.expiresAt,
            files,
          },
          limit,
        );
        if (!saved.ok) {
          await blobs.delete(blobKey);
          if (saved.reason === 'limit') throw limitError(input.job, limit, saved.usedBytes + filesBytes);
          throw new NotFoundError('the job attempt no longer exists (its run was deleted)');
        }
        if (saved.replacedBlobKey) await blobs.delete(saved.replacedBlobKey).catch(() => undefined);
        return { files: files.length, filesBytes, archiveBytes: size };
      } catch (error) {
        // A failing store makes the entry being written fail too: report the store's reason.
        const cause = error instanceof ArtifactLimitError ? error : (stopped ?? error);
        stop(cause instanceof Error ? cause : new Error(String(cause)));
        await stored.catch(() => undefined);
        await blobs.delete(blobKey).catch(() => undefined);
        throw cause;
      }
    },

    /**
     * The jobs of stages before `beforeStageIndex` of the run (re-used jobs of a retry
     * included, resolved to the run that ran them) that have unexpired artifacts, in stage order.
     */
    async jobsWithArtifacts(
      runId: string,
      beforeStageIndex: number,
    ): Promise<Array<{ job: string; jobRunId: string }>> {
      const jobs = (await artifacts.jobsOf(runId)).filter((job) => job.stageIndex < beforeStageIndex);
      const having = await artifacts.withArchives(
        jobs.map((job) => job.jobRunId),
        now(),
      );
      return jobs.filter((job) => having.has(job.jobRunId)).map(({ job, jobRunId }) => ({ job, jobRunId }));
    },

    /** The job attempt's artifacts as a .tar.gz stream, or null when it has none (or they expired). */
    async openJobArchive(jobRunId: string): Promise<Readable | null> {
      const key = await artifacts.blobKeyOf(jobRunId, now());
      return key ? blobs.open(key) : null;
    },

    /** Every file of the run's jobs' unexpired artifacts (re-used jobs included), in stage order. */
    async listRun(
      runId: string,
    ): Promise<Array<{ job: string; path: string; size: number; expiresAt: Date }>> {
      const jobs = await artifacts.jobsOf(runId);
      const archives = await artifacts.archivesOf(
        jobs.map((job) => job.jobRunId),
        now(),
      );
      const byJobRun = new Map(archives.map((archive) => [archive.jobRunId, archive]));
      return jobs.flatMap((job) => {
        const archive = byJobRun.get(job.jobRunId);
        if (!archive) return [];
        return archive.files.map((file) => ({
          job: job.job,
          path: file.path,
          size: Number(file.size),
          expiresAt: archive.expiresAt,
        }));
      });
    },

    /** The job attempt holding the artifacts of the run's job named `job` (re-used jobs resolved). */
    async jobRunOf(runId: string, job: string): Promise<string | null> {
      return (await artifacts.jobsOf(runId)).find((j) => j.job === job)?.jobRunId ?? null;
    },
  };
}

export type ArtifactStore = ReturnType<typeof createArtifactStore>;

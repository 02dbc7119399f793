import type { PrismaClient } from '@slipway/db';

/** Rows inserted per statement when recording an archive's files. */
const FILE_ROWS_PER_INSERT = 1000;

/** How deep a chain of retries re-using a job is followed (a retry of a retry of …). */
const MAX_REUSE_DEPTH = 100;

export interface NewArchive {
  runId: string;
  jobRunId: string;
  job: string;
  blobKey: string;
  size: number;
  filesBytes: number;
  expiresAt: Date;
  files: ReadonlyArray<{ path: string; size: number }>;
}

/** A job of a run as the artifact lookups see it: where its artifacts are (`jobRunId`). */
export interface ArtifactJob {
  job: string;
  stageIndex: number;
  position: number;
  /** The job attempt holding the job's artifacts: a reused job's is the original run's. */
  jobRunId: string;
}

/** Artifact archives and their files (`artifact_archives`, `artifact_files`). */
export function createArtifactsRepo(prisma: PrismaClient) {
  return {
    /** Files' bytes the run's archives hold, but the one of `exceptJobRunId` (it is being replaced). */
    async runFilesBytes(runId: string, exceptJobRunId: string): Promise<number> {
      const total = await prisma.artifactArchive.aggregate({
        where: { runId, NOT: { jobRunId: exceptJobRunId } },
        _sum: { filesBytes: true },
      });
      return Number(total._sum.filesBytes ?? 0n);
    },

    /**
     * Records a stored archive in one transaction, holding the run's row lock so parallel jobs
     * of one run are counted one after the other: refused (`limit`, with the bytes the run's
     * other archives hold) when it would bring the run past `maxRunBytes`; `run-gone` when the
     * run or job attempt no longer exists. An earlier archive of the same job attempt is
     * replaced; its blob key is returned for deletion.
     */
    async insertArchive(
      archive: NewArchive,
      maxRunBytes: number,
    ): Promise<
      | { ok: true; replacedBlobKey: string | null }
      | { ok: false; reason: 'limit'; usedBytes: number }
      | { ok: false; reason: 'run-gone' }
    > {
      return prisma.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT r.id FROM pipeline_runs r JOIN job_runs j ON j.run_id = r.id
          WHERE r.id = ${archive.runId}::uuid AND j.id = ${archive.jobRunId}::uuid
          FOR UPDATE OF r`;
        if (locked.length === 0) return { ok: false, reason: 'run-gone' } as const;
        const others = await tx.artifactArchive.aggregate({
          where: { runId: archive.runId, NOT: { jobRunId: archive.jobRunId } },
          _sum: { filesBytes: true },
        });
        const usedBytes = Number(others._sum.filesBytes ?? 0n);
        if (usedBytes + archive.filesBytes > maxRunBytes) {
          return { ok: false, reason: 'limit', usedBytes } as const;
        }
        const previous = await tx.artifactArchive.findUnique({
          where: { jobRunId: archive.jobRunId },
          select: { id: true, blobKey: true },
        });
        if (previous) await tx.artifactArchive.delete({ where: { id: previous.id } });
        const created = await tx.artifactArchive.create({
          data: {
            runId: archive.runId,
            jobRunId: archive.jobRunId,
            job: archive.job,
            blobKey: archive.blobKey,
            size: BigInt(archive.size),
            filesBytes: BigInt(archive.filesBytes),
            expiresAt: archive.expiresAt,
          },
          select: { id: true },
        });
        for (let i = 0; i < archive.files.length; i += FILE_ROWS_PER_INSERT) {
          await tx.artifactFile.createMany({
            data: archive.files.slice(i, i + FILE_ROWS_PER_INSERT).map((file) => ({
              archiveId: created.id,
              path: file.path,
              size: BigInt(file.size),
            })),
          });
        }
        return { ok: true, replacedBlobKey: previous?.blobKey ?? null } as const;
      });
    },

    /**
     * The latest attempt of every job of the run (stage order, then position), each with the
     * job attempt holding its artifacts: a job a retry re-used (`reusedFrom`, a run number of the
     * same pipeline) is followed to the run that ran it, as the run view does.
     */
    async jobsOf(runId: string): Promise<ArtifactJob[]> {
      const run = await prisma.pipelineRun.findUnique({
        where: { id: runId },
        select: {
          pipelineId: true,
          jobs: {
            select: {
              id: true,
              stage: true,
              stageIndex: true,
              position: true,
              name: true,
              attempt: true,
              reusedFrom: true,
            },
          },
        },
      });
      if (!run) return [];
      const latest = new Map<string, (typeof run.jobs)[number]>();
      for (const job of run.jobs) {
        const key = `${job.stage}\u0000${job.name}`;
        const seen = latest.get(key);
        if (!seen || seen.attempt < job.attempt) latest.set(key, job);
      }
      const jobs: ArtifactJob[] = [];
      for (const job of latest.values()) {
        let holder: { id: string; reusedFrom: number | null } | null = job;
        for (let depth = 0; holder?.reusedFrom != null && depth < MAX_REUSE_DEPTH; depth++) {
          holder = await prisma.jobRun.findFirst({
            where: {
              run: { pipelineId: run.pipelineId, number: holder.reusedFrom },
              stage: job.stage,
              name: job.name,
            },
            orderBy: { attempt: 'desc' },
            select: { id: true, reusedFrom: true },
          });
        }
        if (holder && holder.reusedFrom === null) {
          jobs.push({
            job: job.name,
            stageIndex: job.stageIndex,
            position: job.position,
            jobRunId: holder.id,
          });
        }
      }
      return jobs.sort((a, b) => a.stageIndex - b.stageIndex || a.position - b.position);
    },

    /** The unexpired archives of these job attempts, with their files in packing order. */
    async archivesOf(jobRunIds: readonly string[], now: Date) {
      if (jobRunIds.length === 0) return [];
      return prisma.artifactArchive.findMany({
        where: { jobRunId: { in: [...jobRunIds] }, expiresAt: { gt: now } },
        select: {
          jobRunId: true,
          expiresAt: true,
          files: { select: { path: true, size: true }, orderBy: { id: 'asc' } },
        },
      });
    },

    /** Which of these job attempts have an unexpired archive. */
    async withArchives(jobRunIds: readonly string[], now: Date): Promise<Set<string>> {
      if (jobRunIds.length === 0) return new Set();
      const rows = await prisma.artifactArchive.findMany({
        where: { jobRunId: { in: [...jobRunIds] }, expiresAt: { gt: now } },
        select: { jobRunId: true },
      });
      return new Set(rows.flatMap((row) => (row.jobRunId ? [row.jobRunId] : [])));
    },

    /** The blob key of the job attempt's unexpired archive. */
    async blobKeyOf(jobRunId: string, now: Date): Promise<string | null> {
      const row = await prisma.artifactArchive.findFirst({
        where: { jobRunId, expiresAt: { gt: now } },
        select: { blobKey: true },
      });
      return row?.blobKey ?? null;
    },

    /** Archives to delete: expired by `now`, or left without a run (the run was deleted). */
    async collectable(now: Date, limit: number): Promise<Array<{ id: string; blobKey: string }>> {
      return prisma.artifactArchive.findMany({
        where: { OR: [{ expiresAt: { lte: now } }, { runId: null }, { jobRunId: null }] },
        select: { id: true, blobKey: true },
        orderBy: { expiresAt: 'asc' },
        take: limit,
      });
    },

    /** Deletes an archive's row and its files' rows. */
    async deleteArchive(id: string): Promise<void> {
      await prisma.artifactArchive.deleteMany({ where: { id } });
    },
  };
}

export type ArtifactsRepo = ReturnType<typeof createArtifactsRepo>;

import type { FastifyBaseLogger } from 'fastify';
import type { ArtifactsRepo } from './artifacts.repo.ts';
import type { BlobStore } from './blob-store.ts';

/** How often the leader deletes expired artifacts, ms. */
export const ARTIFACT_GC_INTERVAL_MS = 10 * 60_000;

/** Archives deleted per query of a collection (it loops until none are left). */
const BATCH = 100;

/**
 * Deletes artifacts that expired or whose run was deleted (leader only, every 10 minutes): the
 * blob first, then the rows, so a failure leaves the row for the next collection and never a
 * blob without a row. Also removes what interrupted writes left in the blob store.
 */
export function createArtifactGc(deps: {
  artifacts: ArtifactsRepo;
  blobs: BlobStore;
  logger?: FastifyBaseLogger | undefined;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function collect(): Promise<number> {
    let deleted = 0;
    const failed = new Set<string>();
    for (;;) {
      const batch = (await deps.artifacts.collectable(now(), BATCH + failed.size)).filter(
        (archive) => !failed.has(archive.id),
      );
      if (batch.length === 0) break;
      for (const archive of batch) {
        try {
          await deps.blobs.delete(archive.blobKey);
          await deps.artifacts.deleteArchive(archive.id);
          deleted += 1;
        } catch (error) {
          failed.add(archive.id);
          deps.logger?.warn(
            { err: error, blob: archive.blobKey },
            'deleting artifacts failed; will try again',
          );
        }
      }
    }
    await deps.blobs.collectAbandoned().catch((error: unknown) => {
      deps.logger?.warn({ err: error }, 'removing abandoned blobs failed; will try again');
    });
    return deleted;
  }

  return {
    /** Collects now (one collection at a time: a call during one waits for it, then runs again); returns archives deleted. */
    async collect(): Promise<number> {
      while (running) await running.catch(() => undefined);
      running = collect().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(): void {
      if (timer) return;
      timer = setInterval(() => void this.collect().catch(() => undefined), ARTIFACT_GC_INTERVAL_MS);
      timer.unref?.();
      void this.collect().catch(() => undefined);
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type ArtifactGc = ReturnType<typeof createArtifactGc>;

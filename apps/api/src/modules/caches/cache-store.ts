import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import type { FastifyBaseLogger } from 'fastify';
import type { CacheLimits } from './cache-config.ts';
import type { CacheExecutor, CachesRepo, StoredEntry } from './caches.repo.ts';
import type { CacheBlobStore } from './directory-blob-store.ts';

/** GitHub Actions' limit on a cache key's length, kept for the same reason: keys are names. */
export const MAX_CACHE_KEY_LENGTH = 512;

/**
 * A reservation older than this whose archive never became ready is taken to be left by a
 * writer that died (a server restart mid-upload): the next save of the key replaces it.
 */
export const ABANDONED_SAVE_MS = 60 * 60_000;

/** Which cache a job means: its project, its executor (`local` | `kubernetes`) and the key. */
export interface CacheTarget {
  projectId: string;
  executor: CacheExecutor;
  key: string;
}

/** The answer to a save: `saved: false` carries the reason the upload step prints. */
export interface CacheSaveResult {
  saved: boolean;
  reason?: string;
}

/** The interface the job-files routes use (interfaces16b "The flow", 3). */
export interface CacheStore {
  /**
   * The key's archive (`.tar.gz`) as a stream, or null when there is none (or it is still
   * being written). Marks the entry used now, for least-recently-used eviction.
   */
  open(target: CacheTarget): Promise<Readable | null>;
  /**
   * Stores `body` (the `.tar.gz` the upload step sends) as the key's archive unless the key
   * exists: the first writer wins, a concurrent save of the same key included (`reason:
   * 'exists'`). An archive over the entry limit is refused while it streams in and nothing of
   * it is kept. Never throws for what a job sends: a refusal is `{saved: false, reason}`, and
   * the rest of a refused body is read and dropped so the request can still be answered.
   * After a save, the project's least recently used entries (not this one) are evicted while
   * its caches exceed the project limit.
   */
  save(target: CacheTarget, body: Readable): Promise<CacheSaveResult>;
}

export class CacheEntryTooLargeError extends Error {
  constructor(maxEntryBytes: number) {
    super(
      `the cache archive is larger than ${maxEntryBytes} bytes (SLIPWAY_CACHE_MAX_ENTRY_BYTES); not saved`,
    );
  }
}

/** The key's SHA-256 in hex: the entry's name in the index and in storage. */
export function cacheKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the cache key is empty; not saved';
  if (key.length > MAX_CACHE_KEY_LENGTH) {
    return `the cache key is longer than ${MAX_CACHE_KEY_LENGTH} characters; not saved`;
  }
  return undefined;
}

/** The bytes of `source`, failing with CacheEntryTooLargeError once they pass `max`. */
async function* limited(source: Readable, max: number): AsyncGenerator<Buffer> {
  let size = 0;
  // Not destroyed when this stops early: the caller drains the rest to answer the request.
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > max) throw new CacheEntryTooLargeError(max);
    yield bytes;
  }
}

/**
 * The cache store (README "Caches"): an index of entries in PostgreSQL (caches.repo.ts) and
 * their archives in a BlobStore per executor — the local executor's in a directory of this
 * machine, Kubernetes jobs' in the artifact BlobStore every replica reaches. Each save writes
 * under a name of its own (`<project>/<sha256(key)>-<entry id>.tar.gz`), so a writer that
 * lost its entry (caches cleared meanwhile) can remove its archive without touching a newer
 * writer's.
 */
export function createCacheStore(deps: {
  repo: CachesRepo;
  stores: Record<CacheExecutor, CacheBlobStore>;
  limits: CacheLimits;
  logger?: FastifyBaseLogger | undefined;
  now?: () => Date;
}) {
  const { repo, stores, limits } = deps;
  const now = deps.now ?? (() => new Date());

  /** Removes an entry's archive, then its row (a crash between leaves a row `open` drops). */
  async function remove(entry: Pick<StoredEntry, 'id' | 'executor' | 'storageKey'>): Promise<void> {
    await stores[entry.executor as CacheExecutor].delete(entry.storageKey);
    await repo.delete(entry.id);
  }

  /**
   * Takes the key for this writer: null when another writer has it (or had it first),
   * 'gone' when the project no longer exists.
   */
  async function reserve(
    target: CacheTarget,
    keyHash: string,
  ): Promise<{ id: string; storageKey: string } | null | 'gone'> {
    const ref = { projectId: target.projectId, executor: target.executor, keyHash };
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = randomUUID();
      const storageKey = `${target.projectId}/${keyHash}-${id}.tar.gz`;
      try {
        await repo.reserve({ ...ref, id, key: target.key, storageKey });
        return { id, storageKey };
      } catch (error) {
        if (isForeignKeyViolation(error)) return 'gone';
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await repo.find(ref);
      if (!existing) continue; // deleted meanwhile (evicted, cleared): take it
      if (existing.ready || now().getTime() - existing.createdAt.getTime() < ABANDONED_SAVE_MS) return null;
      if (await repo.dropAbandoned(existing.id, existing.createdAt)) {
        await stores[target.executor].delete(existing.storageKey);
      }
    }
    return null;
  }

  /** Least recently used first, never `keepId`, until the project's total fits its limit. */
  async function evict(projectId: string, keepId: string): Promise<void> {
    const entries = await repo.readyByAge(projectId);
    let total = entries.reduce((sum, entry) => sum + Number(entry.sizeBytes), 0);
    for (const entry of entries) {
      if (total <= limits.maxProjectBytes) break;
      if (entry.id === keepId) continue;
      await remove(entry);
      total -= Number(entry.sizeBytes);
    }
  }

  const store: CacheStore = {
    async open(target) {
      if (keyProblem(target.key)) return null;
      const keyHash = cacheKeyHash(target.key);
      const entry = await repo.find({ projectId: target.projectId, executor: target.executor, keyHash });
      if (!entry?.ready) return null;
      const stream = await stores[target.executor].open(entry.storageKey);
      if (!stream) {
        // Evicted meanwhile, or the archive is gone (another machine's disk): a miss, and the
        // key free for the next save.
        await repo.delete(entry.id);
        return null;
      }
      await repo.touch(entry.id, now());
      return stream;
    },

    async save(target, body) {
      const refuse = (reason: string): CacheSaveResult => {
        body.resume();
        return { saved: false, reason };
      };
      const problem = keyProblem(target.key);
      if (problem) return refuse(problem);
      const reserved = await reserve(target, cacheKeyHash(target.key));
      if (reserved === 'gone') return refuse('the project was deleted');
      if (!reserved) return refuse('exists');
      const blobs = stores[target.executor];
      let size: number;
      try {
        ({ size } = await blobs.put(
          reserved.storageKey,
          Readable.from(limited(body, limits.maxEntryBytes), { objectMode: false }),
        ));
      } catch (error) {
        await remove({ id: reserved.id, executor: target.executor, storageKey: reserved.storageKey });
        if (error instanceof CacheEntryTooLargeError) return refuse(error.message);
        deps.logger?.warn({ err: error, key: target.key }, 'caches: an upload failed');
        return refuse(`the upload failed: ${(error as Error).message}`);
      }
      if (!(await repo.markReady(reserved.id, target.projectId, size, now()))) {
        await blobs.delete(reserved.storageKey);
        return { saved: false, reason: 'the project’s caches were cleared while this one was saved' };
      }
      await evict(target.projectId, reserved.id).catch((error: unknown) => {
        // The save stands; the next one evicts again.
        deps.logger?.warn({ err: error, projectId: target.projectId }, 'caches: eviction failed');
      });
      return { saved: true };
    },
  };

  return {
    ...store,
    /** Deletes every cache of the project (archives first); an upload under way then fails. */
    async clear(projectId: string): Promise<void> {
      for (const entry of await repo.allOf(projectId)) await remove(entry);
    },
    /** Removes the archives and rows of deleted projects' caches (the schema keeps them for this). */
    async purgeDeleted(): Promise<void> {
      for (;;) {
        const orphans = await repo.orphans(100);
        for (const entry of orphans) await remove(entry);
        if (orphans.length < 100) return;
      }
    },
  };
}

export type CacheStoreService = ReturnType<typeof createCacheStore>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

/** Where a job ran, and so where its caches are stored (README "Caches"). */
export type CacheExecutor = 'local' | 'kubernetes';

/** One entry's identity: the project, the executor of the jobs that use it, the key's SHA-256. */
export interface CacheEntryRef {
  projectId: string;
  executor: CacheExecutor;
  keyHash: string;
}

/** What eviction and deletion need of an entry: where its archive is, and how big. */
export interface StoredEntry {
  id: string;
  executor: string;
  storageKey: string;
  sizeBytes: bigint;
}

const stored = { id: true, executor: true, storageKey: true, sizeBytes: true } as const;

const whereRef = (ref: CacheEntryRef) => ({
  projectId_executor_keyHash: { projectId: ref.projectId, executor: ref.executor, keyHash: ref.keyHash },
});

/** The `cache_entries` table (prisma/schema.prisma `CacheEntry`). */
export function createCachesRepo(prisma: PrismaClient) {
  return {
    find(ref: CacheEntryRef, db: Db = prisma) {
      return db.cacheEntry.findUnique({ where: whereRef(ref) });
    },
    /** Takes the key for a writer (not ready yet); throws a unique violation when it is taken. */
    reserve(
      ref: CacheEntryRef & { id: string; key: string; storageKey: string },
      db: Db = prisma,
    ): Promise<{ id: string }> {
      return db.cacheEntry.create({ data: { ...ref, ready: false }, select: { id: true } });
    },
    /** Removes a reservation left by a writer that never finished (only if it is still that one). */
    async dropAbandoned(id: string, createdAt: Date, db: Db = prisma): Promise<boolean> {
      const { count } = await db.cacheEntry.deleteMany({ where: { id, ready: false, createdAt } });
      return count === 1;
    },
    /**
     * Makes a reserved entry restorable; false when it is gone meanwhile (the project was
     * deleted or its caches cleared), and the writer must remove its archive.
     */
    async markReady(id: string, projectId: string, sizeBytes: number, now: Date, db: Db = prisma) {
      const { count } = await db.cacheEntry.updateMany({
        where: { id, projectId },
        data: { ready: true, sizeBytes: BigInt(sizeBytes), lastUsedAt: now },
      });
      return count === 1;
    },
    touch(id: string, now: Date, db: Db = prisma) {
      return db.cacheEntry.updateMany({ where: { id }, data: { lastUsedAt: now } });
    },
    /** Deletes one row; false when another deletion (eviction, clearing) came first. */
    async delete(id: string, db: Db = prisma): Promise<boolean> {
      const { count } = await db.cacheEntry.deleteMany({ where: { id } });
      return count === 1;
    },
    /** The project's restorable entries, least recently used first. */
    readyByAge(projectId: string, db: Db = prisma): Promise<StoredEntry[]> {
      return db.cacheEntry.findMany({
        where: { projectId, ready: true },
        orderBy: [{ lastUsedAt: 'asc' }, { id: 'asc' }],
        select: stored,
      });
    },
    /** The project's entries for the API, most recently used first. */
    list(projectId: string, db: Db = prisma) {
      return db.cacheEntry.findMany({
        where: { projectId, ready: true },
        orderBy: [{ lastUsedAt: 'desc' }, { id: 'asc' }],
        select: { key: true, executor: true, sizeBytes: true, createdAt: true, lastUsedAt: true },
      });
    },
    /** Every entry of the project, ready or being written (to clear them). */
    allOf(projectId: string, db: Db = prisma): Promise<StoredEntry[]> {
      return db.cacheEntry.findMany({ where: { projectId }, select: stored });
    },
    /** Entries whose project was deleted (the foreign key set their project to null). */
    orphans(take: number, db: Db = prisma): Promise<StoredEntry[]> {
      return db.cacheEntry.findMany({ where: { projectId: null }, select: stored, take });
    },
  };
}

export type CachesRepo = ReturnType<typeof createCachesRepo>;

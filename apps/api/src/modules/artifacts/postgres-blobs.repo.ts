import type { PrismaClient } from '@slipway/db';

/**
 * PostgreSQL large objects (`pg_largeobject`) behind the `postgres_blobs` table, through the
 * server-side functions `lo_create`, `lo_put`, `lo_get` and `lo_unlink` (PostgreSQL manual,
 * "Server-Side Functions" of large objects). Each call is one short statement on the shared
 * pool, so a long upload never holds a connection or a transaction open (the embedded database
 * has one connection).
 */
export function createPostgresBlobsRepo(prisma: PrismaClient) {
  return {
    /** A new empty large object, recorded as an incomplete blob of `key`; its OID. */
    async create(key: string): Promise<bigint> {
      const [row] = await prisma.$queryRaw<{ oid: bigint }[]>`
        INSERT INTO postgres_blobs (oid, key) VALUES (lo_create(0)::bigint, ${key}) RETURNING oid`;
      if (!row) throw new Error('lo_create returned no object');
      return row.oid;
    },

    /** Writes `data` at byte `offset` of the large object. */
    async write(oid: bigint, offset: number, data: Uint8Array): Promise<void> {
      await prisma.$executeRaw`SELECT lo_put(${oid}::bigint::oid, ${offset}::bigint, ${data}::bytea)`;
    },

    /**
     * Marks the blob complete with its size and removes the blobs stored under the same key
     * before it (rows and large objects), in one transaction.
     */
    async complete(oid: bigint, key: string, size: number): Promise<void> {
      await prisma.$transaction([
        prisma.$queryRaw`UPDATE postgres_blobs SET complete = true, size = ${size}::bigint WHERE oid = ${oid}`,
        prisma.$queryRaw`
          WITH gone AS (
            DELETE FROM postgres_blobs WHERE key = ${key} AND complete AND oid <> ${oid} RETURNING oid
          )
          SELECT lo_unlink(oid::oid) FROM gone`,
      ]);
    },

    /** The complete blob stored under `key`: its OID and size. */
    async find(key: string): Promise<{ oid: bigint; size: bigint } | null> {
      const rows = await prisma.$queryRaw<{ oid: bigint; size: bigint }[]>`
        SELECT oid, size FROM postgres_blobs WHERE key = ${key} AND complete
        ORDER BY created_at DESC LIMIT 1`;
      return rows[0] ?? null;
    },

    /** Up to `length` bytes from byte `offset` (fewer at the end). */
    async read(oid: bigint, offset: number, length: number): Promise<Uint8Array> {
      const [row] = await prisma.$queryRaw<{ data: Uint8Array }[]>`
        SELECT lo_get(${oid}::bigint::oid, ${offset}::bigint, ${length}::int) AS data`;
      if (!row) throw new Error(`large object ${oid} is gone`);
      return row.data;
    },

    /** Deletes the blob rows and large objects: of one OID, or every one under `key`. */
    async remove(target: { oid: bigint } | { key: string }): Promise<number> {
      const rows =
        'oid' in target
          ? await prisma.$queryRaw<unknown[]>`
              WITH gone AS (DELETE FROM postgres_blobs WHERE oid = ${target.oid} RETURNING oid)
              SELECT lo_unlink(oid::oid) FROM gone`
          : await prisma.$queryRaw<unknown[]>`
              WITH gone AS (DELETE FROM postgres_blobs WHERE key = ${target.key} RETURNING oid)
              SELECT lo_unlink(oid::oid) FROM gone`;
      return rows.length;
    },

    /** Deletes incomplete blobs (and their large objects) created before `before`. */
    async removeIncomplete(before: Date): Promise<number> {
      const rows = await prisma.$queryRaw<unknown[]>`
        WITH gone AS (
          DELETE FROM postgres_blobs WHERE NOT complete AND created_at < ${before} RETURNING oid
        )
        SELECT lo_unlink(oid::oid) FROM gone`;
      return rows.length;
    },
  };
}

export type PostgresBlobsRepo = ReturnType<typeof createPostgresBlobsRepo>;

import type { Prisma, PrismaClient } from '@slipway/db';

/** A version's files: path → YAML text. */
export type ManifestFileMap = Record<string, string>;

/** Who saved a version, and why. */
export interface VersionAuthor {
  message: string | null;
  authorId: string;
  authorName: string;
}

/** One version without its files (history lists): the file paths only. */
export interface ManifestVersionSummaryRow {
  version: number;
  message: string | null;
  authorName: string | null;
  createdAt: Date;
  paths: string[];
}

/**
 * Manifest sets and their immutable versions. Version numbers are assigned by moving the
 * set's `latest_version` in the same transaction as the insert: the UPDATE locks the set's
 * row, so concurrent saves of one set get consecutive numbers, never the same one.
 */
export function createManifestsRepo(prisma: PrismaClient) {
  return {
    /** The project's sets by name, each with the author of its newest version. */
    async list(projectId: string) {
      const sets = await prisma.manifestSet.findMany({
        where: { projectId },
        orderBy: { name: 'asc' },
        include: { versions: { orderBy: { version: 'desc' }, take: 1, select: { authorName: true } } },
      });
      return sets.map(({ versions, ...set }) => ({ ...set, updatedBy: versions[0]?.authorName ?? null }));
    },

    /** One set with the author of its newest version, or null. */
    async find(projectId: string, name: string) {
      const set = await prisma.manifestSet.findUnique({
        where: { projectId_name: { projectId, name } },
        include: { versions: { orderBy: { version: 'desc' }, take: 1, select: { authorName: true } } },
      });
      if (!set) return null;
      const { versions, ...rest } = set;
      return { ...rest, updatedBy: versions[0]?.authorName ?? null };
    },

    /** Creates the set with version 1 (throws the unique violation when the name is taken). */
    create(projectId: string, name: string, files: ManifestFileMap, author: VersionAuthor) {
      return prisma.manifestSet.create({
        data: {
          projectId,
          name,
          latestVersion: 1,
          versions: { create: { version: 1, files, ...author } },
        },
      });
    },

    /**
     * Saves the next version. With `base`, only when the newest version is still `base`;
     * returns the new number, or null when another save got there first.
     */
    addVersion(setId: string, base: number | undefined, files: ManifestFileMap, author: VersionAuthor) {
      return prisma.$transaction(async (tx) => {
        const version = await advance(tx, setId, base);
        if (version === null) return null;
        await tx.manifestVersion.create({ data: { manifestSetId: setId, version, files, ...author } });
        return version;
      });
    },

    /** Every version, newest first, with the paths of its files (not their text). */
    versions(setId: string): Promise<ManifestVersionSummaryRow[]> {
      return prisma.$queryRaw<ManifestVersionSummaryRow[]>`
        SELECT version, message, author_name AS "authorName", created_at AS "createdAt",
               ARRAY(SELECT jsonb_object_keys(files) ORDER BY 1) AS paths
        FROM manifest_versions WHERE manifest_set_id = ${setId}::uuid ORDER BY version DESC`;
    },

    version(setId: string, version: number) {
      return prisma.manifestVersion.findUnique({
        where: { manifestSetId_version: { manifestSetId: setId, version } },
      });
    },

    delete(setId: string) {
      return prisma.manifestSet.deleteMany({ where: { id: setId } });
    },
  };
}

/**
 * Moves `latest_version` on by one (only from `base` when given), locking the set's row until
 * the transaction ends; the new number, or null (the set is gone, or is past `base`).
 */
async function advance(tx: Prisma.TransactionClient, setId: string, base: number | undefined) {
  const rows = await tx.$queryRaw<Array<{ version: number }>>`
    UPDATE manifest_sets SET latest_version = latest_version + 1, updated_at = now()
    WHERE id = ${setId}::uuid AND (${base ?? null}::int IS NULL OR latest_version = ${base ?? null}::int)
    RETURNING latest_version AS version`;
  return rows[0]?.version ?? null;
}

export type ManifestsRepo = ReturnType<typeof createManifestsRepo>;

import type { PrismaClient } from '@slipway/db';

/** A config version's entries: key → value. */
export type ConfigEntries = Record<string, string>;

/** The newest version of a set in one environment. */
export interface ConfigLatestRow {
  configSetId: string;
  environment: string;
  version: number;
  createdAt: Date;
  authorName: string | null;
}

/** One version without its values (history lists): the keys only. */
export interface ConfigVersionSummaryRow {
  version: number;
  message: string | null;
  authorName: string | null;
  createdAt: Date;
  keys: string[];
}

/**
 * Config sets and their immutable versions per environment. A version number is assigned
 * while the set's row is locked (SELECT … FOR UPDATE), so concurrent saves get consecutive
 * numbers, never the same one.
 */
export function createConfigRepo(prisma: PrismaClient) {
  return {
    list(projectId: string) {
      return prisma.configSet.findMany({ where: { projectId }, orderBy: { name: 'asc' } });
    },

    find(projectId: string, name: string) {
      return prisma.configSet.findUnique({ where: { projectId_name: { projectId, name } } });
    },

    /** The newest version of each of the sets in each environment that has one, by environment order. */
    latest(setIds: readonly string[]): Promise<ConfigLatestRow[]> {
      if (setIds.length === 0) return Promise.resolve([]);
      return prisma.$queryRaw<ConfigLatestRow[]>`
        SELECT DISTINCT ON (cv.config_set_id, e.position, e.name)
               cv.config_set_id AS "configSetId", e.name AS environment, cv.version,
               cv.created_at AS "createdAt", cv.author_name AS "authorName"
        FROM config_versions cv JOIN environments e ON e.id = cv.environment_id
        WHERE cv.config_set_id = ANY(${setIds}::uuid[])
        ORDER BY cv.config_set_id, e.position, e.name, cv.version DESC`;
    },

    /** Creates the set (throws the unique violation when the name is taken). */
    create(projectId: string, name: string, description: string | null) {
      return prisma.configSet.create({ data: { projectId, name, description } });
    },

    /** An environment of the workspace by name, or null. */
    environment(workspaceId: string, name: string) {
      return prisma.environment.findUnique({
        where: { workspaceId_name: { workspaceId, name } },
        select: { id: true, name: true },
      });
    },

    /**
     * Saves the next version of the set in the environment. With `base`, only when the newest
     * is still `base`. Returns the new number, or the newest one when it is past `base`; null
     * when the set is gone.
     */
    addVersion(
      setId: string,
      environmentId: string,
      base: number | undefined,
      data: ConfigEntries,
      author: { message: string | null; authorId: string; authorName: string },
    ): Promise<{ saved: true; version: number } | { saved: false; latest: number } | null> {
      return prisma.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<unknown[]>`
          SELECT id FROM config_sets WHERE id = ${setId}::uuid FOR UPDATE`;
        if (locked.length === 0) return null;
        const newest = await tx.configVersion.aggregate({
          where: { configSetId: setId, environmentId },
          _max: { version: true },
        });
        const latest = newest._max.version ?? 0;
        if (base !== undefined && base !== latest) return { saved: false as const, latest };
        const version = latest + 1;
        await tx.configVersion.create({
          data: { configSetId: setId, environmentId, version, data, ...author },
        });
        await tx.configSet.update({ where: { id: setId }, data: { updatedAt: new Date() } });
        return { saved: true as const, version };
      });
    },

    /** Every version in the environment, newest first, with its keys (not their values). */
    versions(setId: string, environmentId: string): Promise<ConfigVersionSummaryRow[]> {
      return prisma.$queryRaw<ConfigVersionSummaryRow[]>`
        SELECT version, message, author_name AS "authorName", created_at AS "createdAt",
               ARRAY(SELECT jsonb_object_keys(data) ORDER BY 1) AS keys
        FROM config_versions
        WHERE config_set_id = ${setId}::uuid AND environment_id = ${environmentId}::uuid
        ORDER BY version DESC`;
    },

    version(setId: string, environmentId: string, version: number) {
      return prisma.configVersion.findUnique({
        where: {
          configSetId_environmentId_version: { configSetId: setId, environmentId, version },
        },
      });
    },

    /** Releases (environment and number) that deployed a version of the set, newest first. */
    releasesUsing(setId: string, take: number) {
      return prisma.release.findMany({
        where: { configs: { some: { configVersion: { configSetId: setId } } } },
        orderBy: { number: 'desc' },
        take,
        select: { number: true, environmentName: true },
      });
    },

    /** Deletes the set and its versions; throws the foreign-key violation when a release uses one. */
    delete(setId: string) {
      return prisma.configSet.deleteMany({ where: { id: setId } });
    },
  };
}

export type ConfigRepo = ReturnType<typeof createConfigRepo>;

import type { PrismaClient } from '@slipway/db';

/**
 * What run creation reads to pin a run's deploys: the newest version of manifest sets and
 * of config sets in one environment (see deploy-pins.ts). Versions are immutable, so a pin
 * names exactly what the run's deploy steps will deploy.
 */
export function createDeployPinsRepo(prisma: PrismaClient) {
  return {
    /**
     * The newest version number of each named manifest set of the project, `null` for a set
     * that has no version yet; a name that is no set of the project is absent.
     */
    async newestManifestVersions(projectId: string, names: readonly string[]) {
      if (names.length === 0) return new Map<string, number | null>();
      const sets = await prisma.manifestSet.findMany({
        where: { projectId, name: { in: [...names] } },
        select: {
          name: true,
          versions: { orderBy: { version: 'desc' }, take: 1, select: { version: true } },
        },
      });
      return new Map(sets.map((set) => [set.name, set.versions[0]?.version ?? null]));
    },

    /**
     * The newest version (its row id and number) of each named config set of the project in
     * the environment, `null` for a set without a version there; a name that is no set of
     * the project is absent.
     */
    async newestConfigVersions(projectId: string, environmentId: string, names: readonly string[]) {
      if (names.length === 0) return new Map<string, { id: string; version: number } | null>();
      const sets = await prisma.configSet.findMany({
        where: { projectId, name: { in: [...names] } },
        select: {
          name: true,
          versions: {
            where: { environmentId },
            orderBy: { version: 'desc' },
            take: 1,
            select: { id: true, version: true },
          },
        },
      });
      return new Map(sets.map((set) => [set.name, set.versions[0] ?? null]));
    },
  };
}

export type DeployPinsRepo = ReturnType<typeof createDeployPinsRepo>;

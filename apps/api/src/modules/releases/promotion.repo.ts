import type { PrismaClient } from '@slipway/db';
import { releaseInclude } from './releases.repo.ts';

/** The statements promotion, environment copy and the approvals report need beyond `ReleasesRepo`. */
export function createPromotionRepo(prisma: PrismaClient) {
  return {
    /** The workspace's environments in promotion order (`position`, then name), with their clusters. */
    environmentsInOrder(workspaceId: string) {
      return prisma.environment.findMany({
        where: { workspaceId },
        orderBy: [{ position: 'asc' }, { name: 'asc' }],
        include: { cluster: true },
      });
    },

    /**
     * The newest version of each named config set of the project in the environment; a set
     * without a version there is missing from the map.
     */
    async newestConfigVersions(
      projectId: string,
      environmentId: string,
      names: readonly string[],
    ): Promise<Map<string, { id: string; version: number }>> {
      if (names.length === 0) return new Map();
      const rows = await prisma.configVersion.findMany({
        where: { environmentId, configSet: { projectId, name: { in: [...names] } } },
        distinct: ['configSetId'],
        orderBy: [{ configSetId: 'asc' }, { version: 'desc' }],
        select: { id: true, version: true, configSet: { select: { name: true } } },
      });
      return new Map(rows.map((row) => [row.configSet.name, { id: row.id, version: row.version }]));
    },

    /**
     * Per project of the workspace with a release in the environment, its live release (the
     * newest `succeeded` one), projects in slug order; projects with none are listed with null.
     */
    async liveReleases(workspaceId: string, environmentId: string) {
      const [projects, live] = await Promise.all([
        prisma.project.findMany({
          where: { workspaceId, releases: { some: { environmentId } } },
          orderBy: { slug: 'asc' },
          select: { id: true, slug: true, workspaceId: true },
        }),
        prisma.release.findMany({
          where: { environmentId, status: 'succeeded' },
          distinct: ['projectId'],
          orderBy: [{ projectId: 'asc' }, { number: 'desc' }],
          include: releaseInclude,
        }),
      ]);
      const byProject = new Map(live.map((release) => [release.projectId, release]));
      return projects.map((project) => ({ project, live: byProject.get(project.id) ?? null }));
    },

    /**
     * The environment's releases for the approvals report, newest first (created within
     * `since`–`until` when given), with their approvals and decisions (rendered objects left out).
     */
    reportReleases(environmentId: string, range: { since?: Date | undefined; until?: Date | undefined }) {
      return prisma.release.findMany({
        where: {
          environmentId,
          ...(range.since || range.until
            ? {
                createdAt: {
                  ...(range.since ? { gte: range.since } : {}),
                  ...(range.until ? { lt: range.until } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        include: releaseInclude,
        omit: { objects: true },
        relationLoadStrategy: 'join',
      });
    },

    /** E-mail addresses of users by id (a committer approving their own change). */
    async emailsOf(userIds: readonly string[]): Promise<Map<string, string>> {
      if (userIds.length === 0) return new Map();
      const rows = await prisma.user.findMany({
        where: { id: { in: [...userIds] }, email: { not: null } },
        select: { id: true, email: true },
      });
      return new Map(rows.flatMap((row) => (row.email ? [[row.id, row.email] as const] : [])));
    },
  };
}

export type PromotionRepo = ReturnType<typeof createPromotionRepo>;

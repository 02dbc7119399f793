import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createAccessRepo(prisma: PrismaClient) {
  return {
    /** Everything needed to build one user's ability, in one round of queries. */
    async loadGrants(userId: string, db: Db = prisma) {
      const [workspaceRoles, projectRoles] = await Promise.all([
        db.workspaceMember.findMany({ where: { userId }, select: { workspaceId: true, role: true } }),
        db.projectMember.findMany({
          where: { userId },
          select: { projectId: true, role: true, project: { select: { workspaceId: true } } },
        }),
      ]);
      const workspaceIds = [
        ...new Set([
          ...workspaceRoles.map((m) => m.workspaceId),
          ...projectRoles.map((m) => m.project.workspaceId),
        ]),
      ];
      const customRoles =
        workspaceIds.length === 0
          ? []
          : await db.customRole.findMany({
              where: { workspaceId: { in: workspaceIds } },
              select: { workspaceId: true, name: true, permissions: true },
            });
      return { workspaceRoles, projectRoles, customRoles };
    },
  };
}

export type AccessRepo = ReturnType<typeof createAccessRepo>;

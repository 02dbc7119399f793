import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createOidcRepo(prisma: PrismaClient) {
  return {
    findBySubject(oidcSubject: string, db: Db = prisma) {
      return db.user.findUnique({ where: { oidcSubject } });
    },
    findByUsername(username: string, db: Db = prisma) {
      return db.user.findUnique({ where: { username } });
    },
    create(data: Prisma.UserCreateInput, db: Db = prisma) {
      return db.user.create({ data });
    },
    update(id: string, data: Prisma.UserUpdateInput, db: Db = prisma) {
      return db.user.update({ where: { id }, data });
    },
    /** Gives the user a workspace role from an IdP group (when the workspace exists). */
    async grantWorkspaceRole(userId: string, workspaceSlug: string, role: string, db: Db = prisma) {
      const workspace = await db.workspace.findUnique({
        where: { slug: workspaceSlug },
        select: { id: true },
      });
      if (!workspace) return false;
      await db.workspaceMember.upsert({
        where: { workspaceId_userId: { workspaceId: workspace.id, userId } },
        create: { workspaceId: workspace.id, userId, role },
        update: { role },
      });
      return true;
    },
  };
}

export type OidcRepo = ReturnType<typeof createOidcRepo>;

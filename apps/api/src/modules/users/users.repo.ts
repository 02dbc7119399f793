import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createUsersRepo(prisma: PrismaClient) {
  return {
    list(page: { afterUsername: string | undefined; take: number }, db: Db = prisma) {
      return db.user.findMany({
        where: page.afterUsername === undefined ? {} : { username: { gt: page.afterUsername } },
        orderBy: { username: 'asc' },
        take: page.take,
      });
    },
    findByUsername(username: string, db: Db = prisma) {
      return db.user.findUnique({ where: { username } });
    },
    findByInviteHash(inviteTokenHash: string, db: Db = prisma) {
      return db.user.findUnique({ where: { inviteTokenHash } });
    },
    create(data: Prisma.UserCreateInput, db: Db = prisma) {
      return db.user.create({ data });
    },
    update(id: string, data: Prisma.UserUpdateInput, db: Db = prisma) {
      return db.user.update({ where: { id }, data });
    },
    delete(id: string, db: Db = prisma) {
      return db.user.delete({ where: { id } });
    },
    countActivePlatformAdmins(db: Db = prisma) {
      return db.user.count({ where: { platformAdmin: true, disabled: false } });
    },
    deleteSessions(userId: string, db: Db = prisma) {
      return db.session.deleteMany({ where: { userId } });
    },
    /** Workspaces where this user is the only workspace-admin. */
    async workspacesOnlyAdministeredBy(userId: string, db: Db = prisma) {
      const held = await db.workspaceMember.findMany({
        where: { userId, role: 'workspace-admin' },
        select: { workspaceId: true, workspace: { select: { slug: true } } },
      });
      const result: string[] = [];
      for (const membership of held) {
        const admins = await db.workspaceMember.count({
          where: { workspaceId: membership.workspaceId, role: 'workspace-admin' },
        });
        if (admins === 1) result.push(membership.workspace.slug);
      }
      return result;
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
export type UserRow = NonNullable<Awaited<ReturnType<UsersRepo['findByUsername']>>>;

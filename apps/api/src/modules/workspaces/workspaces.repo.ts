import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

const withProjectCount = { _count: { select: { projects: true } } } as const;

export function createWorkspacesRepo(prisma: PrismaClient) {
  return {
    /** Rows ordered by slug after `afterSlug`; asks for `take` rows. */
    list(page: { afterSlug: string | undefined; take: number; onlyIds: string[] | 'all' }, db: Db = prisma) {
      return db.workspace.findMany({
        where: {
          ...(page.afterSlug === undefined ? {} : { slug: { gt: page.afterSlug } }),
          ...(page.onlyIds === 'all' ? {} : { id: { in: page.onlyIds } }),
        },
        orderBy: { slug: 'asc' },
        take: page.take,
        include: withProjectCount,
      });
    },
    findBySlug(slug: string, db: Db = prisma) {
      return db.workspace.findUnique({ where: { slug }, include: withProjectCount });
    },
    /** Creates the workspace with its creator as its first workspace-admin. */
    create(
      data: { slug: string; name: string; description: string | null; creatorId: string },
      db: Db = prisma,
    ) {
      const { creatorId, ...workspace } = data;
      return db.workspace.create({
        data: { ...workspace, members: { create: { userId: creatorId, role: 'workspace-admin' } } },
        include: withProjectCount,
      });
    },
    update(id: string, data: { name?: string; description?: string | null }, db: Db = prisma) {
      return db.workspace.update({ where: { id }, data, include: withProjectCount });
    },
    delete(id: string, db: Db = prisma) {
      return db.workspace.delete({ where: { id } });
    },
  };
}

export type WorkspacesRepo = ReturnType<typeof createWorkspacesRepo>;
export type WorkspaceRow = NonNullable<Awaited<ReturnType<WorkspacesRepo['findBySlug']>>>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createRolesRepo(prisma: PrismaClient) {
  return {
    list(workspaceId: string, db: Db = prisma) {
      return db.customRole.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
    },
    find(workspaceId: string, name: string, db: Db = prisma) {
      return db.customRole.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    },
    create(data: Prisma.CustomRoleUncheckedCreateInput, db: Db = prisma) {
      return db.customRole.create({ data });
    },
    update(id: string, data: Prisma.CustomRoleUpdateInput, db: Db = prisma) {
      return db.customRole.update({ where: { id }, data });
    },
    delete(id: string, db: Db = prisma) {
      return db.customRole.delete({ where: { id } });
    },
  };
}

export type RolesRepo = ReturnType<typeof createRolesRepo>;
export type CustomRoleRow = NonNullable<Awaited<ReturnType<RolesRepo['find']>>>;

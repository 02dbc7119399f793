import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

const withCluster = { cluster: true } as const;

export function createEnvironmentsRepo(prisma: PrismaClient) {
  return {
    listByWorkspace(workspaceId: string, db: Db = prisma) {
      return db.environment.findMany({
        where: { workspaceId },
        orderBy: [{ position: 'asc' }, { name: 'asc' }],
        include: withCluster,
      });
    },
    findByName(workspaceId: string, name: string, db: Db = prisma) {
      return db.environment.findUnique({
        where: { workspaceId_name: { workspaceId, name } },
        include: withCluster,
      });
    },
    /** The environment (of any workspace) that uses this namespace on this cluster. */
    findByNamespace(clusterId: string, namespace: string, db: Db = prisma) {
      return db.environment.findUnique({
        where: { clusterId_namespace: { clusterId, namespace } },
        include: { workspace: { select: { slug: true } } },
      });
    },
    create(data: Prisma.EnvironmentUncheckedCreateInput, db: Db = prisma) {
      return db.environment.create({ data, include: withCluster });
    },
    update(id: string, data: Prisma.EnvironmentUncheckedUpdateInput, db: Db = prisma) {
      return db.environment.update({ where: { id }, data, include: withCluster });
    },
    delete(id: string, db: Db = prisma) {
      return db.environment.delete({ where: { id } });
    },
  };
}

export type EnvironmentsRepo = ReturnType<typeof createEnvironmentsRepo>;
export type EnvironmentRow = NonNullable<Awaited<ReturnType<EnvironmentsRepo['findByName']>>>;

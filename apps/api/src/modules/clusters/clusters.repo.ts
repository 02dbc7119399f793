import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

const withEnvironmentCount = { _count: { select: { environments: true } } } as const;

export function createClustersRepo(prisma: PrismaClient) {
  return {
    list(page: { afterName: string | undefined; take: number }, db: Db = prisma) {
      return db.cluster.findMany({
        where: page.afterName === undefined ? {} : { name: { gt: page.afterName } },
        orderBy: { name: 'asc' },
        take: page.take,
        include: withEnvironmentCount,
      });
    },
    findByName(name: string, db: Db = prisma) {
      return db.cluster.findUnique({ where: { name }, include: withEnvironmentCount });
    },
    findById(id: string, db: Db = prisma) {
      return db.cluster.findUnique({ where: { id }, include: withEnvironmentCount });
    },
    create(data: Prisma.ClusterCreateInput, db: Db = prisma) {
      return db.cluster.create({ data, include: withEnvironmentCount });
    },
    update(id: string, data: Prisma.ClusterUpdateInput, db: Db = prisma) {
      return db.cluster.update({ where: { id }, data, include: withEnvironmentCount });
    },
    delete(id: string, db: Db = prisma) {
      return db.cluster.delete({ where: { id } });
    },
  };
}

export type ClustersRepo = ReturnType<typeof createClustersRepo>;
export type ClusterRow = NonNullable<Awaited<ReturnType<ClustersRepo['findByName']>>>;

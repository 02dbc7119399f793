import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createCredentialsRepo(prisma: PrismaClient) {
  return {
    listByWorkspace(workspaceId: string, db: Db = prisma) {
      return db.credential.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
    },
    findByName(workspaceId: string, name: string, db: Db = prisma) {
      return db.credential.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    },
    findByNames(workspaceId: string, names: readonly string[], db: Db = prisma) {
      return db.credential.findMany({ where: { workspaceId, name: { in: [...names] } } });
    },
    async exists(workspaceId: string, name: string, db: Db = prisma): Promise<boolean> {
      return (await db.credential.count({ where: { workspaceId, name } })) > 0;
    },
    /** Slugs of the workspace's projects that check out with this credential. */
    async projectsUsing(workspaceId: string, name: string, db: Db = prisma): Promise<string[]> {
      const rows = await db.project.findMany({
        where: { workspaceId, gitCredential: name },
        select: { slug: true },
        orderBy: { slug: 'asc' },
      });
      return rows.map((row) => row.slug);
    },
    create(data: Prisma.CredentialUncheckedCreateInput, db: Db = prisma) {
      return db.credential.create({ data });
    },
    update(id: string, data: Prisma.CredentialUncheckedUpdateInput, db: Db = prisma) {
      return db.credential.update({ where: { id }, data });
    },
    delete(id: string, db: Db = prisma) {
      return db.credential.delete({ where: { id } });
    },
  };
}

export type CredentialsRepo = ReturnType<typeof createCredentialsRepo>;
export type CredentialRow = NonNullable<Awaited<ReturnType<CredentialsRepo['findByName']>>>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createTemplatesRepo(prisma: PrismaClient) {
  return {
    transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      return prisma.$transaction(work);
    },
    list(workspaceId: string, db: Db = prisma) {
      return db.pipelineTemplate.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
    },
    find(workspaceId: string, name: string, db: Db = prisma) {
      return db.pipelineTemplate.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    },
    create(data: { workspaceId: string; name: string; description: string | null }, db: Db = prisma) {
      return db.pipelineTemplate.create({ data: { ...data, latestVersion: 1 } });
    },
    /** Bumps the latest version number atomically and returns the new number. */
    async nextVersion(id: string, db: Db = prisma): Promise<number> {
      const row = await db.pipelineTemplate.update({
        where: { id },
        data: { latestVersion: { increment: 1 } },
      });
      return row.latestVersion;
    },
    addVersion(
      data: { templateId: string; number: number; spec: string; authorName: string },
      db: Db = prisma,
    ) {
      return db.pipelineTemplateVersion.create({ data });
    },
    version(templateId: string, number: number, db: Db = prisma) {
      return db.pipelineTemplateVersion.findUnique({ where: { templateId_number: { templateId, number } } });
    },
    versions(templateId: string, db: Db = prisma) {
      return db.pipelineTemplateVersion.findMany({
        where: { templateId },
        orderBy: { number: 'desc' },
        select: { number: true, authorName: true, createdAt: true },
      });
    },
    usages(workspaceId: string, name: string, db: Db = prisma) {
      return db.pipeline.findMany({
        where: { templateName: name, project: { workspaceId } },
        select: { name: true, templateVersion: true, project: { select: { slug: true } } },
        orderBy: [{ project: { slug: 'asc' } }, { name: 'asc' }],
      });
    },
  };
}

export type TemplatesRepo = ReturnType<typeof createTemplatesRepo>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createPipelinesRepo(prisma: PrismaClient) {
  return {
    transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      return prisma.$transaction(work);
    },
    list(projectId: string, db: Db = prisma) {
      return db.pipeline.findMany({
        where: { projectId },
        orderBy: { name: 'asc' },
        // The newest revision is the current one: its time and author are the "last saved".
        include: {
          revisions: { orderBy: { number: 'desc' }, take: 1, select: { authorName: true, createdAt: true } },
        },
      });
    },
    find(projectId: string, name: string, db: Db = prisma) {
      return db.pipeline.findUnique({ where: { projectId_name: { projectId, name } } });
    },
    create(
      data: { projectId: string; name: string; template: { name: string; version: number } | null },
      db: Db = prisma,
    ) {
      return db.pipeline.create({
        data: {
          projectId: data.projectId,
          name: data.name,
          currentRevision: 1,
          templateName: data.template?.name ?? null,
          templateVersion: data.template?.version ?? null,
        },
      });
    },
    /** Moves the pipeline from `base` to `base + 1`; false when another save got there first. */
    async advance(
      id: string,
      base: number,
      template: { name: string; version: number } | null,
      db: Db = prisma,
    ): Promise<boolean> {
      const { count } = await db.pipeline.updateMany({
        where: { id, currentRevision: base },
        data: {
          currentRevision: base + 1,
          templateName: template?.name ?? null,
          templateVersion: template?.version ?? null,
        },
      });
      return count === 1;
    },
    addRevision(
      data: {
        pipelineId: string;
        number: number;
        spec: string;
        message: string | null;
        authorId: string;
        authorName: string;
      },
      db: Db = prisma,
    ) {
      return db.pipelineRevision.create({ data });
    },
    revision(pipelineId: string, number: number, db: Db = prisma) {
      return db.pipelineRevision.findUnique({ where: { pipelineId_number: { pipelineId, number } } });
    },
    revisions(pipelineId: string, db: Db = prisma) {
      return db.pipelineRevision.findMany({
        where: { pipelineId },
        orderBy: { number: 'desc' },
        select: { number: true, message: true, authorName: true, createdAt: true },
      });
    },
    delete(id: string, db: Db = prisma) {
      return db.pipeline.delete({ where: { id } });
    },
  };
}

export type PipelinesRepo = ReturnType<typeof createPipelinesRepo>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  object?: string | undefined;
  workspace?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset position: rows strictly older than this (time, id). */
  before?: { occurredAt: Date; id: string } | undefined;
}

export function createAuditRepo(prisma: PrismaClient) {
  return {
    record(data: Prisma.AuditEventCreateInput, db: Db = prisma) {
      return db.auditEvent.create({ data });
    },
    list(filter: AuditFilter, take: number, db: Db = prisma) {
      const where: Prisma.AuditEventWhereInput = {
        ...(filter.actor ? { actorName: filter.actor } : {}),
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.object ? { objectName: { contains: filter.object } } : {}),
        ...(filter.workspace ? { workspace: filter.workspace } : {}),
        ...(filter.from || filter.to
          ? {
              occurredAt: {
                ...(filter.from ? { gte: filter.from } : {}),
                ...(filter.to ? { lte: filter.to } : {}),
              },
            }
          : {}),
      };
      const before = filter.before;
      return db.auditEvent.findMany({
        where: before
          ? {
              AND: [
                where,
                {
                  OR: [
                    { occurredAt: { lt: before.occurredAt } },
                    { occurredAt: before.occurredAt, id: { lt: before.id } },
                  ],
                },
              ],
            }
          : where,
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take,
      });
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
export type AuditRow = Awaited<ReturnType<AuditRepo['record']>>;

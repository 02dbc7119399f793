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

/** An entry's `detail` (see plugins/audit-trail.ts). */
export interface AuditDetail {
  /** Names of the body fields sent, sorted; never their values. */
  fields?: string[];
  /** Values of the body fields the endpoint declares safe to record. */
  values?: Record<string, unknown>;
  /** Before → after per field the write changed. */
  changes?: Record<string, { before: unknown; after: unknown }>;
}

export type NewAuditEvent = Omit<Prisma.AuditEventCreateInput, 'detail'> & {
  detail?: AuditDetail | undefined;
};

function whereOf(filter: AuditFilter): Prisma.AuditEventWhereInput {
  return {
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
}

export function createAuditRepo(prisma: PrismaClient) {
  return {
    record({ detail, ...data }: NewAuditEvent, db: Db = prisma) {
      // The detail is plain JSON built from a parsed request body and noted values.
      return db.auditEvent.create({
        data: { ...data, ...(detail ? { detail: detail as Prisma.InputJsonObject } : {}) },
      });
    },
    find(id: string, db: Db = prisma) {
      return db.auditEvent.findUnique({ where: { id } });
    },
    list(filter: AuditFilter, take: number, db: Db = prisma) {
      const where = whereOf(filter);
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

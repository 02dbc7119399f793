import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createAuthRepo(prisma: PrismaClient) {
  return {
    findUserByUsername(username: string, db: Db = prisma) {
      return db.user.findUnique({ where: { username } });
    },
    countUsers(db: Db = prisma) {
      return db.user.count();
    },
    createUser(
      data: { username: string; passwordHash: string; platformAdmin: boolean; displayName?: string },
      db: Db = prisma,
    ) {
      return db.user.create({ data });
    },
    createSession(
      data: {
        tokenHash: string;
        csrfToken: string;
        userId: string;
        expiresAt: Date;
        ipAddress: string | null;
        userAgent: string | null;
      },
      db: Db = prisma,
    ) {
      return db.session.create({ data });
    },
    findSessionWithUser(tokenHash: string, db: Db = prisma) {
      return db.session.findUnique({ where: { tokenHash }, include: { user: true } });
    },
    touchSession(id: string, at: Date, db: Db = prisma) {
      return db.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
    },
    deleteSession(id: string, db: Db = prisma) {
      return db.session.deleteMany({ where: { id } });
    },
    deleteExpiredSessions(now: Date, idleCutoff: Date, db: Db = prisma) {
      return db.session.deleteMany({
        where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleCutoff } }] },
      });
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;

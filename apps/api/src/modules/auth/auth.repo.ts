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
    listSessions(userId: string, db: Db = prisma) {
      return db.session.findMany({ where: { userId }, orderBy: { lastSeenAt: 'desc' } });
    },
    deleteSessionOfUser(userId: string, id: string, db: Db = prisma) {
      return db.session.deleteMany({ where: { id, userId } });
    },
    /** Ends every session of a user, optionally keeping one (the one changing the password). */
    deleteSessionsOfUser(userId: string, exceptId?: string, db: Db = prisma) {
      return db.session.deleteMany({ where: { userId, ...(exceptId ? { id: { not: exceptId } } : {}) } });
    },
    findUserById(id: string, db: Db = prisma) {
      return db.user.findUnique({ where: { id } });
    },
    setPassword(userId: string, passwordHash: string, db: Db = prisma) {
      return db.user.update({
        where: { id: userId },
        data: { passwordHash, inviteTokenHash: null, inviteExpiresAt: null },
      });
    },
    findTokenWithUser(tokenHash: string, db: Db = prisma) {
      return db.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
    },
    touchToken(id: string, at: Date, db: Db = prisma) {
      return db.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
    },
    deleteExpiredSessions(now: Date, idleCutoff: Date, db: Db = prisma) {
      return db.session.deleteMany({
        where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleCutoff } }] },
      });
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;

import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;
const withWorkspace = { workspace: { select: { slug: true } } } as const;

export function createTokensRepo(prisma: PrismaClient) {
  return {
    list(userId: string, db: Db = prisma) {
      return db.apiToken.findMany({
        where: { userId },
        orderBy: { createdAt: 'desc' },
        include: withWorkspace,
      });
    },
    create(data: Prisma.ApiTokenUncheckedCreateInput, db: Db = prisma) {
      return db.apiToken.create({ data, include: withWorkspace });
    },
    revoke(userId: string, id: string, at: Date, db: Db = prisma) {
      return db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    },
  };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;
export type TokenRow = Awaited<ReturnType<TokensRepo['create']>>;

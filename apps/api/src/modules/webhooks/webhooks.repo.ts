import { isUniqueViolation, type Prisma, type PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

const withLastDelivery = {
  deliveries: {
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: 1,
    select: { outcome: true, receivedAt: true },
  },
} as const satisfies Prisma.WebhookInclude;

const withProject = {
  project: { select: { id: true, slug: true, workspace: { select: { id: true, slug: true } } } },
} as const satisfies Prisma.WebhookInclude;

export interface NewDelivery {
  webhookId: string;
  deliveryId: string | null;
  event: string;
  ref: string | null;
  commitSha: string | null;
  outcome: string;
  reason: string | null;
  runNumber: number | null;
}

export function createWebhooksRepo(prisma: PrismaClient) {
  return {
    list(projectId: string, db: Db = prisma) {
      return db.webhook.findMany({
        where: { projectId },
        orderBy: { name: 'asc' },
        include: withLastDelivery,
      });
    },
    find(projectId: string, name: string, db: Db = prisma) {
      return db.webhook.findUnique({
        where: { projectId_name: { projectId, name } },
        include: withLastDelivery,
      });
    },
    /** The webhook a delivery is addressed to, with where it lives. */
    findForDelivery(id: string, db: Db = prisma) {
      return db.webhook.findUnique({ where: { id }, include: withProject });
    },
    create(data: Prisma.WebhookUncheckedCreateInput, db: Db = prisma) {
      return db.webhook.create({ data, include: withLastDelivery });
    },
    update(id: string, data: Prisma.WebhookUncheckedUpdateInput, db: Db = prisma) {
      return db.webhook.update({ where: { id }, data, include: withLastDelivery });
    },
    delete(id: string, db: Db = prisma) {
      return db.webhook.delete({ where: { id } });
    },
    /** Newest first; `before` is the keyset position of the previous page's last row. */
    deliveries(webhookId: string, take: number, before?: { receivedAt: Date; id: string }, db: Db = prisma) {
      return db.webhookDelivery.findMany({
        where: before
          ? {
              webhookId,
              OR: [
                { receivedAt: { lt: before.receivedAt } },
                { receivedAt: before.receivedAt, id: { lt: before.id } },
              ],
            }
          : { webhookId },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        take,
      });
    },
    findDelivery(webhookId: string, deliveryId: string, db: Db = prisma) {
      return db.webhookDelivery.findUnique({ where: { webhookId_deliveryId: { webhookId, deliveryId } } });
    },
    /**
     * Records what a delivery did. A redelivery (same provider id) replaces the earlier
     * record, so the list shows each event once, with what its latest delivery did.
     */
    async recordDelivery(delivery: NewDelivery, db: Db = prisma) {
      const { webhookId, deliveryId } = delivery;
      if (deliveryId === null) return db.webhookDelivery.create({ data: delivery });
      const upsert = () =>
        db.webhookDelivery.upsert({
          where: { webhookId_deliveryId: { webhookId, deliveryId } },
          create: delivery,
          update: { ...delivery, receivedAt: new Date() },
        });
      try {
        return await upsert();
      } catch (error) {
        // Two copies of one delivery raced to insert: the second updates instead.
        if (isUniqueViolation(error)) return upsert();
        throw error;
      }
    },
    /** The user a webhook's runs act as, as the access checks need them. */
    findUser(id: string, db: Db = prisma) {
      return db.user.findUnique({
        where: { id },
        select: { id: true, username: true, platformAdmin: true, disabled: true },
      });
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
export type WebhookRow = Awaited<ReturnType<WebhooksRepo['create']>>;
export type DeliveryRow = Awaited<ReturnType<WebhooksRepo['deliveries']>>[number];

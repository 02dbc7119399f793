import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

/** A delivery claimed for sending, with what its channel needs to send it. */
export interface DueDelivery {
  id: bigint;
  event: string;
  eventKey: string | null;
  payload: unknown;
  recipients: string[];
  attempts: number;
  channelType: string;
  /** Legacy plain URL; `urlEncrypted` when set (see `channel-url.ts`). */
  url: string | null;
  urlEncrypted: string | null;
  secretEncrypted: string | null;
}

/** A delivery row to store in the outbox. */
export interface DeliveryInsert {
  channelId: string;
  event: string;
  eventKey: string;
  payload: Prisma.InputJsonValue;
  recipients: string[];
}

/** Every SQL statement about notification channels, their outbox and what notifications read. */
export function createNotificationsRepo(prisma: PrismaClient) {
  return {
    listChannels(workspaceId: string, db: Db = prisma) {
      return db.notificationChannel.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
    },
    findChannel(workspaceId: string, name: string, db: Db = prisma) {
      return db.notificationChannel.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    },
    createChannel(data: Prisma.NotificationChannelUncheckedCreateInput, db: Db = prisma) {
      return db.notificationChannel.create({ data });
    },
    updateChannel(id: string, data: Prisma.NotificationChannelUncheckedUpdateInput, db: Db = prisma) {
      return db.notificationChannel.update({ where: { id }, data });
    },
    deleteChannel(id: string, db: Db = prisma) {
      return db.notificationChannel.delete({ where: { id } });
    },
    /** The workspace's enabled channels (where an event goes). */
    enabledChannels(workspaceId: string, db: Db = prisma) {
      return db.notificationChannel.findMany({ where: { workspaceId, enabled: true } });
    },

    /**
     * Stores deliveries in the outbox; one that a channel has for the same event already
     * (`(channel_id, event_key)` unique) is skipped. Returns how many were stored.
     */
    async insertDeliveries(rows: DeliveryInsert[], db: Db = prisma): Promise<number> {
      if (rows.length === 0) return 0;
      const result = await db.notificationDelivery.createMany({
        data: rows.map((row) => ({ ...row, status: 'pending' })),
        skipDuplicates: true,
      });
      return result.count;
    },
    insertDelivery(row: DeliveryInsert, db: Db = prisma) {
      return db.notificationDelivery.create({ data: { ...row, status: 'pending' } });
    },

    /** The channel's deliveries, newest first, ids below `beforeId`. */
    deliveries(channelId: string, take: number, beforeId?: bigint, db: Db = prisma) {
      return db.notificationDelivery.findMany({
        where: { channelId, ...(beforeId !== undefined ? { id: { lt: beforeId } } : {}) },
        orderBy: { id: 'desc' },
        take,
      });
    },

    /**
     * Claims up to `limit` pending deliveries that are due, oldest due first: each is leased
     * for `leaseMs` (its next attempt moved that far on) so that no other sender takes it
     * while it is sent; one whose sender died is taken again when the lease ends. Rows
     * another sender is claiming are skipped (`FOR UPDATE SKIP LOCKED`), never waited for.
     */
    claimDue(limit: number, leaseMs: number, db: Db = prisma): Promise<DueDelivery[]> {
      return db.$queryRaw<DueDelivery[]>`
        WITH due AS (
          SELECT id FROM notification_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE notification_deliveries d
        SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
        FROM due, notification_channels c
        WHERE d.id = due.id AND c.id = d.channel_id
        RETURNING d.id, d.event, d.event_key AS "eventKey", d.payload,
          coalesce(d.recipients, '{}') AS recipients, d.attempts,
          c.type AS "channelType", c.url, c.url_encrypted AS "urlEncrypted", c.secret_encrypted AS "secretEncrypted"`;
    },

    /**
     * Records one attempt: `delivered`, `retry` at `nextAttemptAt`, or `failed` (the last
     * attempt); with the receiver's status code and the error, if any.
     */
    recordAttempt(
      id: bigint,
      outcome: {
        status: 'delivered' | 'pending' | 'failed';
        statusCode: number | null;
        error: string | null;
        nextAttemptAt?: Date | undefined;
      },
      db: Db = prisma,
    ) {
      const now = new Date();
      return db.notificationDelivery.update({
        where: { id },
        data: {
          status: outcome.status,
          attempts: { increment: 1 },
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error?.slice(0, 2000) ?? null,
          ...(outcome.status === 'delivered' ? { deliveredAt: now } : {}),
          ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        },
      });
    },

    /** The release a notification is about, with its project, workspace and approval. */
    releaseOf(releaseId: string, db: Db = prisma) {
      return db.release.findUnique({
        where: { id: releaseId },
        select: {
          number: true,
          environmentName: true,
          pipelineName: true,
          runNumber: true,
          createdById: true,
          createdByName: true,
          projectId: true,
          project: { select: { slug: true, workspaceId: true, workspace: { select: { slug: true } } } },
          approval: {
            select: {
              approverRole: true,
              allowSelfApproval: true,
              requestedById: true,
              committerEmail: true,
            },
          },
        },
      });
    },

    /** A user's e-mail address, if they have one and are not disabled. */
    async emailOf(userId: string, db: Db = prisma): Promise<string | null> {
      const user = await db.user.findUnique({
        where: { id: userId },
        select: { email: true, disabled: true },
      });
      return user && !user.disabled ? user.email : null;
    },

    /**
     * The people who might decide a project's approval, with an e-mail address and not
     * disabled: members of its workspace or of the project itself, and — `platformAdmins` —
     * the platform admins too.
     */
    approverCandidates(workspaceId: string, projectId: string, platformAdmins: boolean, db: Db = prisma) {
      return db.user.findMany({
        where: {
          disabled: false,
          email: { not: null },
          OR: [
            { workspaceRoles: { some: { workspaceId } } },
            { projectRoles: { some: { projectId } } },
            ...(platformAdmins ? [{ platformAdmin: true }] : []),
          ],
        },
        select: { id: true, username: true, email: true, platformAdmin: true },
        orderBy: { username: 'asc' },
      });
    },
  };
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;
export type NotificationChannelRow = NonNullable<Awaited<ReturnType<NotificationsRepo['findChannel']>>>;

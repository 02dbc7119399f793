import {
  type CreateNotificationChannelBodySchema,
  type NotificationChannel,
  NotificationChannelTypeSchema,
  NotificationDeliveryEventSchema,
  type NotificationDeliverySchema,
  NotificationEventSchema,
  type PageQuery,
  type UpdateNotificationChannelBodySchema,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { z } from 'zod';
import type { Actor } from '../../lib/actor.ts';
import { bigintCursorKey, decodeCursor, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import { type OutboundPolicy, refuseLocalAddress } from '../../lib/outbound-guard.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { SECRET_PARAMETER_MASK } from '../../lib/stored-parameters.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { isMaskedUrl, looksMasked, maskedChannelUrl, openChannelUrl, sealChannelUrl } from './channel-url.ts';
import type { NotificationChannelRow, NotificationsRepo } from './notifications.repo.ts';
import { testPayloadOf } from './notifier.ts';

type CreateBody = z.infer<typeof CreateNotificationChannelBodySchema>;
type UpdateBody = z.infer<typeof UpdateNotificationChannelBodySchema>;
type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;
type DeliveryRow = Awaited<ReturnType<NotificationsRepo['deliveries']>>[number];

// Built field by field so that no column (least of all the secret) leaks by accident.
function toChannel(row: NotificationChannelRow, box: SecretBox): NotificationChannel {
  return {
    name: row.name,
    type: NotificationChannelTypeSchema.parse(row.type),
    url: maskedChannelUrl(openChannelUrl(row, box)),
    hasSecret: row.secretEncrypted !== null,
    recipients: row.recipients,
    events: row.events.map((event) => NotificationEventSchema.parse(event)),
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toDelivery(row: DeliveryRow): NotificationDelivery {
  const payload = row.payload as { summary?: unknown };
  return {
    id: String(row.id),
    event: NotificationDeliveryEventSchema.parse(row.event),
    status: row.status as NotificationDelivery['status'],
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    recipients: row.recipients,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    summary: typeof payload.summary === 'string' ? payload.summary : '',
  };
}

/**
 * What each channel type takes: webhook and slack POST to a `url` (required); only a webhook
 * is signed (`secret`); only e-mail has `recipients`. 400 naming the field otherwise.
 */
function checkShape(
  type: NotificationChannel['type'],
  fields: { url: string | null; secret: boolean; recipients: string[] },
): void {
  const problems: { field: string; message: string }[] = [];
  if (type !== 'email' && !fields.url) {
    problems.push({ field: 'body.url', message: `a ${type} channel needs the URL to POST to` });
  }
  if (type === 'email' && fields.url) {
    problems.push({ field: 'body.url', message: 'an e-mail channel has no URL' });
  }
  if (type !== 'webhook' && fields.secret) {
    problems.push({ field: 'body.secret', message: 'only a webhook channel is signed with a secret' });
  }
  if (type !== 'email' && fields.recipients.length > 0) {
    problems.push({ field: 'body.recipients', message: 'only an e-mail channel has recipients' });
  }
  if (problems.length > 0) {
    throw new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }
}

/**
 * A workspace's notification channels: read with `workspace.read`, changed with
 * `workspace.environments.manage` (who manages the environments manages who hears about
 * their deploys). Secrets are stored encrypted and never returned (`hasSecret`); so is the
 * receiver URL, shown masked (`channel-url.ts`).
 */
/**
 * 400 naming `body.url` for a masked URL that is not this channel's own mask as shown: it is
 * no receiver, so storing it would only make every delivery fail.
 */
function refuseMaskedUrl(url: string | undefined): void {
  if (url !== undefined && looksMasked(url)) {
    throw new BadRequestError(
      'body.url: a masked URL keeps the stored one only as shown; type the whole URL',
      [
        {
          field: 'body.url',
          message: `ends with the mask /${SECRET_PARAMETER_MASK}: send the masked URL exactly as shown to keep the stored one, or the whole new URL`,
        },
      ],
    );
  }
}

export function createNotificationsService(deps: {
  repo: NotificationsRepo;
  workspaces: WorkspacesService;
  secrets: SecretBox;
  /** Where receivers may be on the network (SLIPWAY_ALLOW_LOCAL_NETWORK; default: not local). */
  outbound?: OutboundPolicy | undefined;
  /** A delivery was queued (the test endpoint): the sender may look now. */
  stored?: () => void;
}) {
  const { repo, workspaces, secrets } = deps;

  /** 400 naming body.url when the receiver is in the local network (checked again at every delivery). */
  async function refuseLocalUrl(url: string | null | undefined): Promise<void> {
    const host = url ? URL.parse(url)?.hostname : undefined;
    await refuseLocalAddress(host, deps.outbound ?? { allowLocalNetwork: false }, 'body.url');
  }

  async function findOrThrow(workspace: { id: string; slug: string }, name: string) {
    const row = await repo.findChannel(workspace.id, name);
    if (!row)
      throw new NotFoundError(`notification channel "${name}" not found in workspace "${workspace.slug}"`);
    return row;
  }

  return {
    async list(actor: Actor, workspaceSlug: string): Promise<{ items: NotificationChannel[] }> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      return { items: (await repo.listChannels(workspace.id)).map((row) => toChannel(row, secrets)) };
    },

    async create(actor: Actor, workspaceSlug: string, body: CreateBody): Promise<NotificationChannel> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      const recipients = body.recipients ?? [];
      checkShape(body.type, { url: body.url ?? null, secret: body.secret !== undefined, recipients });
      refuseMaskedUrl(body.url);
      await refuseLocalUrl(body.url);
      try {
        const row = await repo.createChannel({
          workspaceId: workspace.id,
          name: body.name,
          type: body.type,
          ...sealChannelUrl(body.url ?? null, secrets),
          secretEncrypted: body.secret === undefined ? null : secrets.encrypt(body.secret),
          recipients,
          events: [...new Set(body.events ?? [])],
          enabled: body.enabled ?? true,
        });
        return toChannel(row, secrets);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            `notification channel "${body.name}" already exists in workspace "${workspaceSlug}"`,
            [{ field: 'body.name', message: 'already taken' }],
          );
        }
        throw error;
      }
    },

    async update(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      body: UpdateBody,
    ): Promise<NotificationChannel> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      const existing = await findOrThrow(workspace, name);
      const type = NotificationChannelTypeSchema.parse(existing.type);
      const storedUrl = openChannelUrl(existing, secrets);
      // The masked URL a response showed, sent back as it was, keeps the stored one.
      const url = body.url === undefined || isMaskedUrl(body.url, storedUrl) ? undefined : body.url;
      checkShape(type, {
        url: url ?? storedUrl,
        secret: typeof body.secret === 'string',
        recipients: body.recipients ?? existing.recipients,
      });
      refuseMaskedUrl(url);
      if (url !== undefined && url !== storedUrl) await refuseLocalUrl(url);
      const row = await repo.updateChannel(existing.id, {
        // A URL still stored in plain text (saved before it was encrypted) is sealed now.
        ...(url === undefined && existing.url === null ? {} : sealChannelUrl(url ?? storedUrl, secrets)),
        ...(body.secret === undefined
          ? {}
          : { secretEncrypted: body.secret === null ? null : secrets.encrypt(body.secret) }),
        ...(body.recipients === undefined ? {} : { recipients: body.recipients }),
        ...(body.events === undefined ? {} : { events: [...new Set(body.events)] }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      });
      return toChannel(row, secrets);
    },

    async delete(actor: Actor, workspaceSlug: string, name: string): Promise<void> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      await repo.deleteChannel((await findOrThrow(workspace, name)).id);
    },

    /**
     * Queues a `test` notification to this channel alone (enabled or not; an e-mail channel
     * writes to its own recipients, so it needs some). The outcome shows in its delivery log.
     */
    async test(actor: Actor, workspaceSlug: string, name: string): Promise<NotificationDelivery> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      const channel = await findOrThrow(workspace, name);
      if (channel.type === 'email' && channel.recipients.length === 0) {
        throw new BadRequestError(`notification channel "${name}" has no recipients to send a test to`, [
          { field: 'params.channel', message: 'add recipients to the e-mail channel first' },
        ]);
      }
      const payload = testPayloadOf({
        workspace: workspace.slug,
        channel: name,
        requestedBy: actor.username,
      });
      const row = await repo.insertDelivery({
        channelId: channel.id,
        event: 'test',
        eventKey: payload.id,
        payload,
        recipients: channel.type === 'email' ? channel.recipients : [],
      });
      deps.stored?.();
      return toDelivery(row);
    },

    async deliveries(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      query: PageQuery,
    ): Promise<{ items: NotificationDelivery[]; nextCursor: string | null }> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      const channel = await findOrThrow(workspace, name);
      const rows = await repo.deliveries(
        channel.id,
        query.limit + 1,
        bigintCursorKey(decodeCursor(query.cursor)),
      );
      return toPage(rows, query.limit, (row) => String(row.id), toDelivery);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

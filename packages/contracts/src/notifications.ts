import { z } from 'zod';
import { PageQuerySchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { WorkspaceParamsSchema } from './workspaces.ts';

/**
 * Notification events. `approval.requested` goes to the approvers; the others to whoever
 * started the deploy (e-mail) and to every channel of the workspace.
 */
export const NotificationEventSchema = z.enum([
  'approval.requested',
  'approval.decided',
  'release.succeeded',
  'release.failed',
  'release.rolled-back',
]);
export type NotificationEventType = z.infer<typeof NotificationEventSchema>;

/** What a delivery carries: an event, or `test` (a channel's test notification, sent to it alone). */
export const NotificationDeliveryEventSchema = z.enum([...NotificationEventSchema.options, 'test']);
export type NotificationDeliveryEvent = z.infer<typeof NotificationDeliveryEventSchema>;

/**
 * The JSON body an outgoing webhook receives (and what the other channels format):
 * `X-Slipway-Signature: sha256=<hex HMAC-SHA256 of the body with the channel's secret>`,
 * `X-Slipway-Event`, `X-Slipway-Delivery` headers.
 */
export const NotificationPayloadSchema = z.object({
  event: NotificationDeliveryEventSchema,
  /** Unique per delivery's event (repeat deliveries of one event share it). */
  id: z.string(),
  at: TimestampSchema,
  workspace: z.string(),
  project: z.string(),
  environment: z.string(),
  release: z.number().int().nullable(),
  run: z.object({ pipeline: z.string(), number: z.number().int() }).nullable(),
  /** Who started the deploy. */
  requestedBy: z.string(),
  /** approval.decided: `approve`/`reject`, by whom, why. */
  decision: z
    .object({ decision: z.enum(['approve', 'reject']), by: z.string(), comment: z.string().nullable() })
    .nullable(),
  /** One line for people (chat, e-mail subject). */
  summary: z.string(),
  /** The console page of the release or request. */
  url: z.string().nullable(),
});
export type NotificationPayload = z.infer<typeof NotificationPayloadSchema>;

export const NotificationChannelTypeSchema = z.enum(['webhook', 'slack', 'email']);

export const NotificationChannelSchema = z.object({
  name: z.string(),
  type: NotificationChannelTypeSchema,
  /**
   * Where deliveries go, masked: `<scheme>://<host>/***` (the URL is stored encrypted: a Slack
   * URL is a secret). Sent back unchanged on an update, it keeps the stored URL. Null: e-mail.
   */
  url: z.string().nullable(),
  /** Whether a webhook signing secret is set (never shown). */
  hasSecret: z.boolean(),
  recipients: z.array(z.string()),
  /** Event types sent; empty: all. */
  events: z.array(NotificationEventSchema),
  enabled: z.boolean(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;
export const NotificationChannelListSchema = z.object({ items: z.array(NotificationChannelSchema) });

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048);

export const CreateNotificationChannelBodySchema = z.strictObject({
  name: SlugSchema,
  type: NotificationChannelTypeSchema,
  /** webhook, slack: where to POST. */
  url: HttpUrlSchema.optional(),
  /** webhook: the HMAC-SHA256 key (stored encrypted, never shown). */
  secret: z.string().min(8).max(512).optional(),
  /** email: extra addresses that get every event. */
  recipients: z.array(z.email()).max(50).optional(),
  events: z.array(NotificationEventSchema).optional(),
  enabled: z.boolean().optional(),
});
export const UpdateNotificationChannelBodySchema = z.strictObject({
  url: HttpUrlSchema.optional(),
  /** null removes the secret. */
  secret: z.string().min(8).max(512).nullable().optional(),
  recipients: z.array(z.email()).max(50).optional(),
  events: z.array(NotificationEventSchema).optional(),
  enabled: z.boolean().optional(),
});

export const NotificationChannelParamsSchema = WorkspaceParamsSchema.extend({ channel: SlugSchema }).strict();

export const NotificationDeliverySchema = z.object({
  id: z.string(),
  event: NotificationDeliveryEventSchema,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  recipients: z.array(z.string()),
  createdAt: TimestampSchema,
  deliveredAt: TimestampSchema.nullable(),
  nextAttemptAt: TimestampSchema.nullable(),
  summary: z.string(),
});
export const NotificationDeliveryPageSchema = pageOf(NotificationDeliverySchema);

const tag = 'notifications';
const base = '/api/v1/workspaces/{workspace}/notification-channels';

export const notificationEndpoints = {
  list: defineEndpoint({
    operationId: 'listNotificationChannels',
    method: 'GET',
    path: base,
    summary: 'The workspace’s notification channels (webhook, Slack-compatible, e-mail)',
    tag,
    params: WorkspaceParamsSchema,
    response: NotificationChannelListSchema,
  }),
  create: defineEndpoint({
    operationId: 'createNotificationChannel',
    auditedFields: ['name', 'type', 'recipients', 'events', 'enabled'],
    method: 'POST',
    path: base,
    summary: 'Add a notification channel',
    tag,
    params: WorkspaceParamsSchema,
    body: CreateNotificationChannelBodySchema,
    successStatus: 201,
    errors: { 409: 'a channel of that name exists' },
    response: NotificationChannelSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateNotificationChannel',
    auditedFields: ['recipients', 'events', 'enabled'],
    method: 'PATCH',
    path: `${base}/{channel}`,
    summary: 'Change a notification channel',
    tag,
    params: NotificationChannelParamsSchema,
    body: UpdateNotificationChannelBodySchema,
    response: NotificationChannelSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteNotificationChannel',
    method: 'DELETE',
    path: `${base}/{channel}`,
    summary: 'Remove a notification channel and its delivery log',
    tag,
    params: NotificationChannelParamsSchema,
    response: null,
  }),
  test: defineEndpoint({
    operationId: 'testNotificationChannel',
    method: 'POST',
    path: `${base}/{channel}/test`,
    summary: 'Queue a test notification to the channel (see its delivery log)',
    tag,
    params: NotificationChannelParamsSchema,
    successStatus: 201,
    response: NotificationDeliverySchema,
  }),
  deliveries: defineEndpoint({
    operationId: 'listNotificationDeliveries',
    method: 'GET',
    path: `${base}/{channel}/deliveries`,
    summary: 'The channel’s delivery log, newest first: status, attempts, last answer or error',
    tag,
    params: NotificationChannelParamsSchema,
    query: PageQuerySchema,
    response: NotificationDeliveryPageSchema,
  }),
};

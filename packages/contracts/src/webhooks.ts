import { z } from 'zod';
import { PageQuerySchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { ProjectParamsSchema } from './projects.ts';

export const WEBHOOK_PROVIDERS = ['github', 'gitlab'] as const;
export const WebhookProviderSchema = z.enum(WEBHOOK_PROVIDERS);
export type WebhookProvider = z.infer<typeof WebhookProviderSchema>;

export const WEBHOOK_EVENTS = ['push', 'tag'] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const DELIVERY_OUTCOMES = ['triggered', 'ignored', 'rejected', 'failed'] as const;
export const DeliveryOutcomeSchema = z.enum(DELIVERY_OUTCOMES);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;

/** Where providers send deliveries; the console prefixes the server's origin. */
export function webhookReceiverPath(id: string): string {
  return `/api/v1/hooks/${id}`;
}

const GlobSchema = z
  .string()
  .trim()
  .min(1, 'a glob must not be empty')
  .max(255)
  .describe('`*` matches within one path segment, `**` across segments');
const GlobListSchema = z.array(GlobSchema).max(50);
const ParameterValueSchema = z.union([z.string().max(4096), z.number(), z.boolean()]);
/** Shared with GitHub/GitLab: long enough to resist guessing, short enough to paste. */
const SecretSchema = z.string().min(16, 'the secret must be at least 16 characters').max(200);

export const WebhookSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  provider: WebhookProviderSchema,
  events: z.array(WebhookEventSchema),
  branches: z.array(z.string()),
  tags: z.array(z.string()),
  paths: z.array(z.string()),
  pipeline: z.string(),
  releaseType: z.string(),
  environment: z.string(),
  parameters: z.record(z.string(), ParameterValueSchema),
  enabled: z.boolean(),
  /** The secret is stored encrypted and never returned; this only says one is set. */
  hasSecret: z.literal(true),
  /** Runs start as this user (the last one to save the webhook), with their permissions at delivery time. */
  runsAs: z.string(),
  /** The path providers deliver to: `/api/v1/hooks/{id}`. */
  receiverPath: z.string(),
  lastDelivery: z.object({ outcome: DeliveryOutcomeSchema, receivedAt: TimestampSchema }).nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Webhook = z.infer<typeof WebhookSchema>;

/** Only the create response carries the secret: it is shown once. */
export const CreatedWebhookSchema = WebhookSchema.extend({ secret: z.string() });
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;

const mappingFields = {
  events: z.array(WebhookEventSchema).min(1, 'choose at least one event').max(2),
  branches: GlobListSchema.describe('Branch globs for push events; empty: every branch'),
  tags: GlobListSchema.describe('Tag globs for tag events; empty: every tag'),
  paths: GlobListSchema.describe(
    'Changed-file globs for push events (tag events are not filtered by path); empty: any change',
  ),
  pipeline: SlugSchema.describe('The project’s pipeline to run'),
  releaseType: z.string().min(1).max(63).describe('One of the pipeline’s release types'),
  environment: SlugSchema.describe('The environment to run in'),
  parameters: z
    .record(z.string().max(63), ParameterValueSchema)
    .describe('Values for the parameters the release type asks for'),
  enabled: z.boolean(),
};

/** The mapping fields an audit entry records with their values (the secret and parameters never). */
const MAPPING_AUDITED = [
  'events',
  'branches',
  'tags',
  'paths',
  'pipeline',
  'releaseType',
  'environment',
  'enabled',
];

export const CreateWebhookBodySchema = z.strictObject({
  name: SlugSchema,
  provider: WebhookProviderSchema,
  secret: SecretSchema.optional().describe(
    'GitHub: the HMAC key; GitLab: the secret token. Omit it to have one generated (returned once).',
  ),
  ...mappingFields,
  branches: mappingFields.branches.default([]),
  tags: mappingFields.tags.default([]),
  paths: mappingFields.paths.default([]),
  parameters: mappingFields.parameters.default({}),
  enabled: mappingFields.enabled.default(true),
});
export type CreateWebhookBody = z.input<typeof CreateWebhookBodySchema>;

export const UpdateWebhookBodySchema = z.strictObject({
  secret: SecretSchema.optional().describe('A new secret (never returned)'),
  events: mappingFields.events.optional(),
  branches: mappingFields.branches.optional(),
  tags: mappingFields.tags.optional(),
  paths: mappingFields.paths.optional(),
  pipeline: mappingFields.pipeline.optional(),
  releaseType: mappingFields.releaseType.optional(),
  environment: mappingFields.environment.optional(),
  parameters: mappingFields.parameters.optional(),
  enabled: mappingFields.enabled.optional(),
});
export type UpdateWebhookBody = z.input<typeof UpdateWebhookBodySchema>;

export const WebhookParamsSchema = ProjectParamsSchema.extend({ webhook: SlugSchema }).strict();

export const WebhookDeliverySchema = z.object({
  id: z.uuid(),
  /** The provider's delivery id, when it sent one. */
  deliveryId: z.string().nullable(),
  /** The provider's event name (`push`, `Tag Push Hook`, `ping`…). */
  event: z.string(),
  ref: z.string().nullable(),
  commit: z.string().nullable(),
  outcome: DeliveryOutcomeSchema,
  reason: z.string().nullable(),
  /** The run it started (of the webhook's pipeline at that time). */
  runNumber: z.number().int().nullable(),
  receivedAt: TimestampSchema,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const ReceiveWebhookParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });

export const WebhookReceiptSchema = z.object({
  outcome: DeliveryOutcomeSchema,
  reason: z.string(),
  /** The run this delivery started (also when a redelivery finds it already started). */
  run: z.object({ pipeline: z.string(), number: z.number().int() }).optional(),
});
export type WebhookReceipt = z.infer<typeof WebhookReceiptSchema>;

const base = '/api/v1/workspaces/{workspace}/projects/{project}/webhooks';
const tag = 'webhooks';

export const webhookEndpoints = {
  list: defineEndpoint({
    operationId: 'listWebhooks',
    method: 'GET',
    path: base,
    summary: 'The project’s webhooks (secrets are never returned)',
    tag,
    params: ProjectParamsSchema,
    response: z.object({ items: z.array(WebhookSchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createWebhook',
    auditedFields: ['name', 'provider', ...MAPPING_AUDITED],
    method: 'POST',
    path: base,
    summary:
      'Create a GitHub or GitLab webhook mapping push/tag events to a pipeline run; the response carries the secret, once',
    tag,
    params: ProjectParamsSchema,
    body: CreateWebhookBodySchema,
    successStatus: 201,
    response: CreatedWebhookSchema,
  }),
  get: defineEndpoint({
    operationId: 'getWebhook',
    method: 'GET',
    path: `${base}/{webhook}`,
    summary: 'One webhook',
    tag,
    params: WebhookParamsSchema,
    response: WebhookSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateWebhook',
    auditedFields: MAPPING_AUDITED,
    method: 'PATCH',
    path: `${base}/{webhook}`,
    summary: 'Change a webhook’s filters, mapping, secret or enabled state (its runs then start as you)',
    tag,
    params: WebhookParamsSchema,
    body: UpdateWebhookBodySchema,
    response: WebhookSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: `${base}/{webhook}`,
    summary: 'Delete a webhook and its delivery history',
    tag,
    params: WebhookParamsSchema,
    response: null,
  }),
  deliveries: defineEndpoint({
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: `${base}/{webhook}/deliveries`,
    summary: 'Recent deliveries, newest first, and what each did',
    tag,
    params: WebhookParamsSchema,
    query: PageQuerySchema,
    response: pageOf(WebhookDeliverySchema),
  }),
  receive: defineEndpoint({
    operationId: 'receiveWebhook',
    method: 'POST',
    path: '/api/v1/hooks/{id}',
    summary:
      'Receiver for GitHub (X-Hub-Signature-256) and GitLab (X-Gitlab-Token) deliveries: the raw payload is verified, filtered and may start a run. Unverified: 401',
    tag,
    auth: 'public',
    params: ReceiveWebhookParamsSchema,
    errors: {
      422: 'The delivery id (X-GitHub-Delivery, or GitLab’s Idempotency-Key) was already received for another event',
    },
    response: WebhookReceiptSchema,
  }),
};

// The public end of webhooks: a delivery is verified against the webhook's secret before
// anything in it is trusted, then filtered, then may start a run as the webhook's owner.
// Every delivery that names an existing webhook is recorded with what it did.
import type { WebhookProvider, WebhookReceipt } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import {
  AppError,
  BadRequestError,
  NotFoundError,
  UnauthorizedError,
  UnprocessableEntityError,
} from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { openParameters } from '../../lib/stored-parameters.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { RunsService } from '../runs/runs.service.ts';
import {
  type DeliveryEvent,
  type DeliveryHeaders,
  eventNameOf,
  parseDelivery,
  verifyDelivery,
} from './webhook-events.ts';
import { matchWebhook } from './webhook-filters.ts';
import type { NewDelivery, WebhooksRepo } from './webhooks.repo.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IncomingDelivery {
  /** The webhook id from the URL. */
  id: string;
  headers: DeliveryHeaders;
  /** The body exactly as received: signatures are computed over these bytes. */
  body: Buffer;
  ipAddress: string;
  requestId: string;
}

type Webhook = NonNullable<Awaited<ReturnType<WebhooksRepo['findForDelivery']>>>;

/** What is recorded of a delivery whose payload was not read: only the event's name. */
function unread(provider: WebhookProvider, headers: DeliveryHeaders) {
  return { event: eventNameOf(provider, headers), ref: null, sha: null, deliveryId: null };
}

function clip(text: string | null, length: number): string | null {
  return text === null ? null : text.slice(0, length);
}

export function createWebhookReceiver(deps: {
  webhooks: WebhooksRepo;
  runs: RunsService;
  secrets: SecretBox;
  audit: AuditRepo;
}) {
  const { webhooks } = deps;

  async function record(
    webhook: Webhook,
    event: Pick<DeliveryEvent, 'event' | 'ref' | 'sha' | 'deliveryId'>,
    outcome: NewDelivery['outcome'],
    reason: string,
    runNumber: number | null = null,
  ) {
    await webhooks.recordDelivery({
      webhookId: webhook.id,
      deliveryId: event.deliveryId,
      event: event.event.slice(0, 64),
      ref: clip(event.ref, 255),
      commitSha: clip(event.sha, 64),
      outcome,
      reason: clip(reason, 2000),
      runNumber,
    });
  }

  /**
   * The request trail records the 401 against the webhook id only; this entry names the
   * workspace, project and webhook, so the workspace's own audit log shows it.
   */
  async function auditRejection(webhook: Webhook, delivery: IncomingDelivery) {
    const { project } = webhook;
    await deps.audit.record({
      actorId: null,
      actorName: null,
      actorVia: 'anonymous',
      action: 'rejectWebhookDelivery',
      objectType: 'webhooks',
      objectName: `${project.workspace.slug}/${project.slug}/${webhook.name}`,
      workspace: project.workspace.slug,
      project: project.slug,
      outcome: 'unauthenticated',
      statusCode: 401,
      ipAddress: delivery.ipAddress.slice(0, 64),
      requestId: delivery.requestId,
    });
  }

  /** Runs act as the user who last saved the webhook, limited to its workspace like a scoped token. */
  async function actorFor(webhook: Webhook, ipAddress: string): Promise<Actor | string> {
    const user = await webhooks.findUser(webhook.createdById);
    if (!user) return `the user who set up this webhook (${webhook.createdByName}) no longer exists`;
    if (user.disabled) return `the user who set up this webhook (${user.username}) is disabled`;
    return {
      userId: user.id,
      username: user.username,
      platformAdmin: user.platformAdmin,
      via: 'token',
      tokenWorkspaceId: webhook.project.workspace.id,
      ipAddress,
    };
  }

  async function start(webhook: Webhook, event: DeliveryEvent, ref: string, ipAddress: string) {
    const actor = await actorFor(webhook, ipAddress);
    if (typeof actor === 'string') return { outcome: 'failed' as const, reason: actor };
    try {
      const run = await deps.runs.start(
        actor,
        {
          workspace: webhook.project.workspace.slug,
          project: webhook.project.slug,
          pipeline: webhook.pipelineName,
        },
        {
          releaseType: webhook.releaseType,
          environment: webhook.environmentName,
          parameters: openParameters(webhook.parameters, deps.secrets),
          ref,
          commit: event.sha ?? undefined,
          trigger: 'webhook',
          idempotencyKey: event.deliveryId ? `webhook:${webhook.id}:${event.deliveryId}` : undefined,
        },
      );
      return { outcome: 'triggered' as const, run };
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const fields = (error.details ?? []).flatMap((d) => (d.field ? [d.field] : []));
      const where = fields.length > 0 ? ` (${fields.join(', ')})` : '';
      return { outcome: 'failed' as const, reason: `the run was refused: ${error.message}${where}` };
    }
  }

  return {
    async receive(delivery: IncomingDelivery): Promise<WebhookReceipt> {
      const notFound = new NotFoundError('no webhook with this id');
      if (!UUID.test(delivery.id)) throw notFound;
      const webhook = await webhooks.findForDelivery(delivery.id);
      if (!webhook) throw notFound;
      const provider = webhook.provider === 'gitlab' ? 'gitlab' : 'github';

      const verified = verifyDelivery(
        provider,
        deps.secrets.decrypt(webhook.secretEncrypted),
        delivery.headers,
        delivery.body,
      );
      if (!verified.ok) {
        // Nothing from an unverified request is trusted, its delivery id included.
        await record(webhook, unread(provider, delivery.headers), 'rejected', verified.reason);
        await auditRejection(webhook, delivery);
        throw new UnauthorizedError(verified.reason);
      }

      const parsed = parseDelivery(provider, delivery.headers, delivery.body);
      if (!parsed.ok) {
        await record(webhook, unread(provider, delivery.headers), 'failed', parsed.reason);
        throw new BadRequestError(parsed.reason);
      }
      const event = parsed.event;
      if (event.deliveryId) {
        const earlier = await webhooks.findDelivery(webhook.id, event.deliveryId);
        if (earlier?.outcome === 'triggered' && earlier.runNumber !== null) {
          // The delivery id is the provider's idempotency key: the same id for another
          // event is refused, as for the runs endpoint's Idempotency-Key.
          if (
            earlier.event !== event.event.slice(0, 64) ||
            earlier.ref !== clip(event.ref, 255) ||
            earlier.commitSha !== clip(event.sha, 64)
          ) {
            const header = provider === 'github' ? 'x-github-delivery' : 'idempotency-key';
            throw new UnprocessableEntityError(
              `delivery "${event.deliveryId}" was already received for another event (run #${earlier.runNumber}); a new event needs a new delivery id`,
              [{ field: `headers.${header}`, message: `${header} reused for a different event` }],
            );
          }
          return {
            outcome: 'triggered',
            reason: `already delivered: run #${earlier.runNumber} was started for this delivery`,
            run: { pipeline: webhook.pipelineName, number: earlier.runNumber },
          };
        }
      }
      if (event.kind === 'ping') {
        const reason = 'ping: the webhook is reachable and the secret matches';
        await record(webhook, event, 'ignored', reason);
        return { outcome: 'ignored', reason };
      }
      if (!webhook.enabled) {
        const reason = 'the webhook is disabled';
        await record(webhook, event, 'ignored', reason);
        return { outcome: 'ignored', reason };
      }
      const decision = matchWebhook(webhook, event);
      if (!decision.matches) {
        await record(webhook, event, 'ignored', decision.reason);
        return { outcome: 'ignored', reason: decision.reason };
      }

      const result = await start(webhook, event, decision.ref, delivery.ipAddress);
      if (result.outcome === 'failed') {
        await record(webhook, event, 'failed', result.reason);
        return { outcome: 'failed', reason: result.reason };
      }
      const reason = `${decision.reason}: started run #${result.run.number} of ${webhook.pipelineName}`;
      await record(webhook, event, 'triggered', reason, result.run.number);
      return {
        outcome: 'triggered',
        reason,
        run: { pipeline: webhook.pipelineName, number: result.run.number },
      };
    },
  };
}

export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;

import { type NotificationPayload, NotificationPayloadSchema } from '@slipway/contracts';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { OutboundPolicy } from '../../lib/outbound-guard.ts';
import { createOutboundFetch } from '../../lib/outbound-http.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { openChannelUrl } from './channel-url.ts';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  emailOf,
  SIGNATURE_HEADER,
  signatureOf,
  slackMessageOf,
} from './notification-messages.ts';
import type { DueDelivery, NotificationsRepo } from './notifications.repo.ts';

/** How the sender delivers and retries (SLIPWAY_NOTIFY_* and SLIPWAY_SMTP_*; see README). */
export interface NotificationSenderConfig {
  /** `smtp://host:port` or `smtps://user:pass@host:port`; e-mail channels fail without it. */
  smtpUrl?: string | undefined;
  /** The From address of e-mails. */
  smtpFrom?: string | undefined;
  /** Attempts per delivery before it is `failed` (default 6). */
  attempts?: number | undefined;
  /** The wait after the first failed attempt, doubled after each further one, ms (default 10 s). */
  retryBaseMs?: number | undefined;
  /** Longest wait for one receiver or SMTP server, ms (default 10 s). */
  timeoutMs?: number | undefined;
  /** How often the outbox is looked at for due deliveries, ms (default 2 s). */
  pollMs?: number | undefined;
}

const DEFAULTS = { attempts: 6, retryBaseMs: 10_000, timeoutMs: 10_000, pollMs: 2_000 };
/** Deliveries sent at once (a slow receiver delays only its own). */
const BATCH = 10;

/** What one attempt came to: delivered, or why not (the receiver's status when it answered). */
interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** Retrying cannot help (e.g. no SMTP server configured). */
  permanent?: boolean;
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed ones: `base · 2^(attempt − 1)`
 * (exponential backoff: 10 s, 20 s, 40 s… by default).
 */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * The outbox's sender (leader only: started and stopped with the run engine). Every poll it
 * claims due deliveries (`claimDue`: `FOR UPDATE SKIP LOCKED` and a lease), sends each —
 * webhook: the payload as JSON, signed with the channel's secret; slack: `{text, blocks}`;
 * email: over SMTP to the delivery's recipients — each within `timeoutMs`, and records the
 * attempt: delivered, retried after `retryDelayMs`, or `failed` after the last attempt. A
 * receiver that is down delays nothing but its own deliveries.
 */
export function createNotificationSender(deps: {
  repo: NotificationsRepo;
  secrets: SecretBox;
  config?: NotificationSenderConfig | undefined;
  /** Where webhook and Slack receivers may be (default: not in the local network). */
  outbound?: OutboundPolicy | undefined;
  logger?: FastifyBaseLogger | undefined;
}) {
  const config = { ...DEFAULTS, ...withoutUndefined(deps.config ?? {}) };
  // Every connection (the receivers are users' URLs) is resolved and checked first.
  const fetch = createOutboundFetch(deps.outbound ?? { allowLocalNetwork: false }, config.timeoutMs);
  const mailer = config.smtpUrl
    ? nodemailer.createTransport({
        url: config.smtpUrl,
        connectionTimeout: config.timeoutMs,
        greetingTimeout: config.timeoutMs,
        socketTimeout: config.timeoutMs,
      })
    : null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let started = false;

  async function post(url: string, body: string, headers: Record<string, string>): Promise<AttemptResult> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Slipway-Notifications', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      await response.body?.cancel();
      return response.ok
        ? { ok: true, statusCode: response.status, error: null }
        : { ok: false, statusCode: response.status, error: `the receiver answered ${response.status}` };
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${config.timeoutMs / 1000} s`
          : describe(error);
      return { ok: false, statusCode: null, error: reason };
    }
  }

  async function send(delivery: DueDelivery): Promise<AttemptResult> {
    const parsed = NotificationPayloadSchema.safeParse(delivery.payload);
    if (!parsed.success) return { ok: false, statusCode: null, error: 'malformed payload', permanent: true };
    const payload: NotificationPayload = parsed.data;
    switch (delivery.channelType) {
      case 'webhook': {
        const url = openChannelUrl(delivery, deps.secrets);
        if (!url) return { ok: false, statusCode: null, error: 'the channel has no URL', permanent: true };
        const body = JSON.stringify(payload);
        return post(url, body, {
          [EVENT_HEADER]: payload.event,
          [DELIVERY_HEADER]: String(delivery.id),
          ...(delivery.secretEncrypted
            ? { [SIGNATURE_HEADER]: signatureOf(deps.secrets.decrypt(delivery.secretEncrypted), body) }
            : {}),
        });
      }
      case 'slack': {
        const url = openChannelUrl(delivery, deps.secrets);
        if (!url) return { ok: false, statusCode: null, error: 'the channel has no URL', permanent: true };
        return post(url, JSON.stringify(slackMessageOf(payload)), {});
      }
      case 'email': {
        if (!mailer || !config.smtpFrom) {
          return {
            ok: false,
            statusCode: null,
            error: 'e-mail is not configured on the server (SLIPWAY_SMTP_URL and SLIPWAY_SMTP_FROM)',
            permanent: true,
          };
        }
        const mail = emailOf(payload);
        try {
          await mailer.sendMail({
            from: config.smtpFrom,
            to: delivery.recipients,
            subject: mail.subject,
            text: mail.text,
            headers: { 'X-Slipway-Event': payload.event, 'X-Slipway-Delivery': String(delivery.id) },
          });
          return { ok: true, statusCode: null, error: null };
        } catch (error) {
          const code = (error as { responseCode?: unknown }).responseCode;
          return { ok: false, statusCode: typeof code === 'number' ? code : null, error: describe(error) };
        }
      }
      default:
        return {
          ok: false,
          statusCode: null,
          error: `unknown channel type ${delivery.channelType}`,
          permanent: true,
        };
    }
  }

  async function attempt(delivery: DueDelivery): Promise<void> {
    const result = await send(delivery);
    const attempts = delivery.attempts + 1;
    const last = result.permanent || attempts >= config.attempts;
    await deps.repo.recordAttempt(delivery.id, {
      status: result.ok ? 'delivered' : last ? 'failed' : 'pending',
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt:
        result.ok || last ? undefined : new Date(Date.now() + retryDelayMs(attempts, config.retryBaseMs)),
    });
    if (!result.ok) {
      deps.logger?.warn(
        { delivery: String(delivery.id), event: delivery.event, attempts, error: result.error },
        last
          ? 'a notification could not be delivered; giving up'
          : 'a notification could not be delivered; will retry',
      );
    }
  }

  /** Sends what is due, batch after batch, until nothing is. */
  async function drain(): Promise<void> {
    do {
      again = false;
      // The lease outlasts one send's timeout, so a delivery is never sent twice at once.
      const due = await deps.repo.claimDue(BATCH, config.timeoutMs * 3);
      // One delivery's failure to record (its channel deleted meanwhile) stops no other.
      await Promise.all(
        due.map((delivery) =>
          attempt(delivery).catch((error: unknown) =>
            deps.logger?.warn({ err: error, delivery: String(delivery.id) }, 'recording a delivery failed'),
          ),
        ),
      );
      if (due.length === BATCH) again = true;
    } while (again && started);
  }

  function poll(): void {
    if (!started) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => deps.logger?.error({ err: error }, 'sending notifications failed'))
      .finally(() => {
        running = null;
      });
  }

  return {
    /** Starts sending (leadership gained). */
    start(): void {
      if (started) return;
      started = true;
      timer = setInterval(poll, config.pollMs);
      timer.unref?.();
      poll();
    },
    /** Deliveries were stored: look now rather than at the next poll. */
    wake(): void {
      poll();
    },
    /** Stops (leadership lost, shutdown): waits for the sends under way. */
    async stop(): Promise<void> {
      started = false;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    /** Closes the SMTP connections (shutdown). */
    close(): void {
      mailer?.close();
    },
  };
}

export type NotificationSender = ReturnType<typeof createNotificationSender>;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

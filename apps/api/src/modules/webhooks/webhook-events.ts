// What a GitHub or GitLab delivery says, and whether it really comes from there: pure
// functions over the request's headers and raw body, so they are tested without a server.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookProvider } from '@slipway/contracts';
import { z } from 'zod';

export type DeliveryHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface DeliveryEvent {
  kind: 'push' | 'tag' | 'ping' | 'other';
  /** The provider's own name for the event (`push`, `Tag Push Hook`, …). */
  event: string;
  /** The full ref (`refs/heads/main`), when the event has one. */
  ref: string | null;
  branch?: string;
  tag?: string;
  /** The commit the ref points to after the push; null when the push deleted the ref. */
  sha: string | null;
  /** The push removed the branch or tag. */
  deleted: boolean;
  /** Files added, modified or removed by the pushed commits. */
  changedPaths: string[];
  /** False when the payload lists only some of the pushed commits. */
  changedPathsComplete: boolean;
  deliveryId: string | null;
}

export type Verification = { ok: true } | { ok: false; reason: string };
export type ParsedDelivery = { ok: true; event: DeliveryEvent } | { ok: false; reason: string };

/** GitHub lists at most this many commits in a push payload. */
const GITHUB_MAX_COMMITS = 2048;
const DELETED_SHA = /^0+$/;

export function headerOf(headers: DeliveryHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. GitLab: the
 * secret itself in `X-Gitlab-Token`. Both compared in constant time; GitLab's through
 * SHA-256 digests so the comparison does not reveal the secret's length either.
 */
export function verifyDelivery(
  provider: WebhookProvider,
  secret: string,
  headers: DeliveryHeaders,
  body: Buffer,
): Verification {
  if (provider === 'github') {
    const signature = headerOf(headers, 'x-hub-signature-256');
    if (!signature)
      return { ok: false, reason: 'missing X-Hub-Signature-256 header (set the webhook secret)' };
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    if (!match?.[1]) return { ok: false, reason: 'malformed X-Hub-Signature-256 header' };
    const expected = createHmac('sha256', secret).update(body).digest();
    return timingSafeEqual(Buffer.from(match[1], 'hex'), expected)
      ? { ok: true }
      : { ok: false, reason: 'X-Hub-Signature-256 does not match the payload and the webhook secret' };
  }
  const token = headerOf(headers, 'x-gitlab-token');
  if (!token) return { ok: false, reason: 'missing X-Gitlab-Token header (set the secret token)' };
  return timingSafeEqual(sha256(token), sha256(secret))
    ? { ok: true }
    : { ok: false, reason: 'X-Gitlab-Token does not match the webhook secret' };
}

/** The provider's event name, as recorded on the delivery. */
export function eventNameOf(provider: WebhookProvider, headers: DeliveryHeaders): string {
  const name = headerOf(headers, provider === 'github' ? 'x-github-event' : 'x-gitlab-event');
  return (name?.trim() || 'unknown').slice(0, 64);
}

/**
 * The id a provider keeps across redeliveries of one event. GitLab sends `Idempotency-Key`
 * (the same on retries, since 17.4) and `X-Gitlab-Event-UUID` (older versions).
 */
export function deliveryIdOf(provider: WebhookProvider, headers: DeliveryHeaders): string | null {
  const candidates =
    provider === 'github'
      ? [headerOf(headers, 'x-github-delivery')]
      : [headerOf(headers, 'idempotency-key'), headerOf(headers, 'x-gitlab-event-uuid')];
  const id = candidates.map((value) => value?.trim()).find((value) => value);
  return id && /^[\x21-\x7e]{1,200}$/.test(id) ? id : null;
}

const CommitSchema = z.object({
  added: z.array(z.string()).optional(),
  modified: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
});

/** A commit id: SHA-1 (40 hex digits) or SHA-256 (64). It reaches steps as `git.sha`. */
const CommitIdSchema = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i, 'not a commit id');

const PushPayloadSchema = z.object({
  /** The pushed ref; git never puts control characters in one (`git check-ref-format`). */
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  ref: z.string().regex(/^[^\u0000-\u001f\u007f]*$/, 'a ref cannot contain control characters'),
  after: CommitIdSchema.optional(),
  /** GitLab: the commit to build (null when the ref was deleted). */
  checkout_sha: CommitIdSchema.nullable().optional(),
  /** GitHub: the push deleted the ref. */
  deleted: z.boolean().optional(),
  commits: z.array(CommitSchema).optional(),
  /** GitLab lists at most 20 commits and says how many there were. */
  total_commits_count: z.number().optional(),
  object_kind: z.string().optional(),
});
type PushPayload = z.infer<typeof PushPayloadSchema>;

function decodePayload(headers: DeliveryHeaders, body: Buffer): unknown {
  const contentType = headerOf(headers, 'content-type') ?? '';
  const text = body.toString('utf8');
  // GitHub can deliver `application/x-www-form-urlencoded` with the JSON in `payload`.
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new Error('the form has no payload field');
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

function changedPathsOf(payload: PushPayload): string[] {
  const paths = new Set<string>();
  for (const commit of payload.commits ?? []) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) {
      paths.add(path);
    }
  }
  return [...paths];
}

function pushEvent(
  provider: WebhookProvider,
  event: string,
  payload: PushPayload,
  deliveryId: string | null,
): DeliveryEvent {
  const after = payload.after ?? null;
  const deleted =
    payload.deleted === true ||
    (after !== null && DELETED_SHA.test(after)) ||
    (provider === 'gitlab' && payload.checkout_sha === null);
  const commits = payload.commits ?? [];
  const complete =
    provider === 'github'
      ? commits.length < GITHUB_MAX_COMMITS
      : (payload.total_commits_count ?? commits.length) <= commits.length;
  const base = {
    event,
    ref: payload.ref,
    sha: deleted ? null : (payload.checkout_sha ?? after),
    deleted,
    changedPaths: changedPathsOf(payload),
    changedPathsComplete: complete,
    deliveryId,
  };
  if (payload.ref.startsWith('refs/heads/')) {
    return { ...base, kind: 'push', branch: payload.ref.slice('refs/heads/'.length) };
  }
  if (payload.ref.startsWith('refs/tags/')) {
    return { ...base, kind: 'tag', tag: payload.ref.slice('refs/tags/'.length) };
  }
  return { ...base, kind: 'other' };
}

/** Whether the provider's event names a push of a branch or tag (which the payload then says). */
function isPushEvent(provider: WebhookProvider, event: string, objectKind: string | undefined): boolean {
  if (provider === 'github') return event === 'push';
  // Instance-wide "System Hook" deliveries carry pushes too; the payload's object_kind tells.
  if (event === 'Push Hook' || event === 'Tag Push Hook' || event === 'System Hook') {
    return objectKind === undefined || objectKind === 'push' || objectKind === 'tag_push';
  }
  return false;
}

/** Reads a verified delivery: which kind of event, which ref and commit, which files changed. */
export function parseDelivery(
  provider: WebhookProvider,
  headers: DeliveryHeaders,
  body: Buffer,
): ParsedDelivery {
  const event = eventNameOf(provider, headers);
  const deliveryId = deliveryIdOf(provider, headers);
  const other: DeliveryEvent = {
    kind: 'other',
    event,
    ref: null,
    sha: null,
    deleted: false,
    changedPaths: [],
    changedPathsComplete: true,
    deliveryId,
  };
  if (provider === 'github' && event === 'ping') return { ok: true, event: { ...other, kind: 'ping' } };
  let payload: unknown;
  try {
    payload = decodePayload(headers, body);
  } catch (error) {
    return { ok: false, reason: `the payload is not valid JSON: ${(error as Error).message}` };
  }
  const objectKind =
    payload &&
    typeof payload === 'object' &&
    'object_kind' in payload &&
    typeof payload.object_kind === 'string'
      ? payload.object_kind
      : undefined;
  if (!isPushEvent(provider, event, objectKind)) return { ok: true, event: other };
  const push = PushPayloadSchema.safeParse(payload);
  if (!push.success) {
    const issue = push.error.issues[0];
    return {
      ok: false,
      reason: `the ${event} payload is malformed: ${issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'unreadable'}`,
    };
  }
  return { ok: true, event: pushEvent(provider, event, push.data, deliveryId) };
}

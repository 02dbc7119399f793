import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditDetail, AuditRepo } from '../modules/audit/audit.repo.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Body fields that name the object being created; nothing else from a body is recorded by name. */
const NAME_FIELDS = ['slug', 'name', 'username', 'user'] as const;
const MAX_VALUE_CHARS = 2000;

function outcomeOf(statusCode: number): string {
  if (statusCode < 400) return 'allowed';
  if (statusCode === 401) return 'unauthenticated';
  if (statusCode === 403) return 'denied';
  return 'failed';
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function objectNameOf(request: FastifyRequest): string | null {
  const params = Object.values((request.params ?? {}) as Record<string, string>);
  const body = bodyOf(request);
  const created = NAME_FIELDS.map((field) => body[field]).find((value) => typeof value === 'string');
  const parts = [...params, ...(typeof created === 'string' ? [created] : [])];
  return parts.length > 0 ? parts.join('/').slice(0, 300) : null;
}

/** A recorded value, cut so that one entry stays small (a pipeline spec can be 1 MiB). */
function bounded(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined || text.length <= MAX_VALUE_CHARS) return value;
  return `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)`;
}

/**
 * The value with every U+0000 (in strings and object keys) replaced by U+FFFD: PostgreSQL's
 * text and jsonb cannot hold NUL, and a refused request that carried one (path, body or the
 * username tried) must still be recorded rather than fail the insert.
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  // Plain objects only: a Date (a noted change's before/after) keeps its own serialization.
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [storable(key), storable(item)]),
    ) as T;
  }
  return value;
}

/**
 * The entry's detail: the names of the body fields sent (never their values), the values
 * of the fields the endpoint declares safe to record (`auditedFields`), and the before →
 * after of what the handler changed (`noteChanges`). Null when there is nothing to say.
 */
function detailOf(request: FastifyRequest): AuditDetail | null {
  const body = bodyOf(request);
  const fields = Object.keys(body).sort();
  const audited = request.routeOptions.config.auditedFields ?? [];
  const values = Object.fromEntries(
    audited.filter((field) => body[field] !== undefined).map((field) => [field, bounded(body[field])]),
  );
  const changes = Object.fromEntries(
    Object.entries(request.auditNote?.changes ?? {}).map(([field, change]) => [
      field,
      { before: bounded(change.before), after: bounded(change.after) },
    ]),
  );
  const detail: AuditDetail = {
    ...(fields.length > 0 ? { fields } : {}),
    ...(Object.keys(values).length > 0 ? { values } : {}),
    ...(Object.keys(changes).length > 0 ? { changes } : {}),
  };
  return Object.keys(detail).length > 0 ? detail : null;
}

/**
 * Records every state-changing API request, allowed or refused, before its response is
 * sent: who (user, and whether by session or token; for a sign-in, the user who signed in
 * or the username tried), which operation, which object, in which workspace/project, from
 * where, with what outcome, and what it changed. Operations whose contract says they
 * change nothing (`readOnly`: validation, checks, dry runs) are not recorded.
 */
export function registerAuditTrail(app: FastifyInstance, deps: { audit: AuditRepo }): void {
  app.decorateRequest('auditNote', null);
  app.addHook('onSend', async (request, reply, payload) => {
    const config = request.routeOptions.config;
    const safe = SAFE_METHODS.has(request.method) && !config.changesState;
    if (safe || !config.auth || config.readOnly) return payload;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const actor = request.auth?.actor;
    const noted = request.auditNote?.actor;
    try {
      await deps.audit.record(
        storable({
          actorId: actor?.userId ?? noted?.id ?? null,
          actorName: (actor?.username ?? noted?.name ?? null)?.slice(0, 64) ?? null,
          actorVia: actor?.via ?? noted?.via ?? 'anonymous',
          action: request.routeOptions.schema?.operationId ?? `${request.method} ${request.routeOptions.url}`,
          objectType: request.routeOptions.schema?.tags?.[0] ?? 'unknown',
          objectName: objectNameOf(request),
          workspace: params.workspace ?? null,
          project: params.project ?? null,
          outcome: outcomeOf(reply.statusCode),
          statusCode: reply.statusCode,
          ipAddress: request.ip.slice(0, 64),
          requestId: request.id,
          detail: detailOf(request) ?? undefined,
        }),
      );
    } catch (error) {
      request.log.error({ err: error }, 'could not record the audit event');
    }
    return payload;
  });
}

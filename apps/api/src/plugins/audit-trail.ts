import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditRepo } from '../modules/audit/audit.repo.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Body fields that name the object being created; nothing else from a body is recorded. */
const NAME_FIELDS = ['slug', 'name', 'username', 'user'] as const;

function outcomeOf(statusCode: number): string {
  if (statusCode < 400) return 'allowed';
  if (statusCode === 401) return 'unauthenticated';
  if (statusCode === 403) return 'denied';
  return 'failed';
}

function objectNameOf(request: FastifyRequest): string | null {
  const params = Object.values((request.params ?? {}) as Record<string, string>);
  const body =
    request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const created = NAME_FIELDS.map((field) => body[field]).find((value) => typeof value === 'string');
  const parts = [...params, ...(typeof created === 'string' ? [created] : [])];
  return parts.length > 0 ? parts.join('/').slice(0, 300) : null;
}

/**
 * Records every state-changing API request, allowed or refused, before its response is
 * sent: who (user, and whether by session or token), which operation, which object, in
 * which workspace/project, from where, with what outcome.
 */
export function registerAuditTrail(app: FastifyInstance, deps: { audit: AuditRepo }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (SAFE_METHODS.has(request.method) || !request.routeOptions.config.auth) return payload;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const actor = request.auth?.actor;
    try {
      await deps.audit.record({
        actorId: actor?.userId ?? null,
        actorName: actor?.username ?? null,
        actorVia: actor?.via ?? 'anonymous',
        action: request.routeOptions.schema?.operationId ?? `${request.method} ${request.routeOptions.url}`,
        objectType: request.routeOptions.schema?.tags?.[0] ?? 'unknown',
        objectName: objectNameOf(request),
        workspace: params.workspace ?? null,
        project: params.project ?? null,
        outcome: outcomeOf(reply.statusCode),
        statusCode: reply.statusCode,
        ipAddress: request.ip.slice(0, 64),
        requestId: request.id,
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not record the audit event');
    }
    return payload;
  });
}

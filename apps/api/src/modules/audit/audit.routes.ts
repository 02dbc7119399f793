import { auditEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { AuditService } from './audit.service.ts';

export function registerAuditRoutes(app: FastifyInstance, deps: { audit: AuditService }): void {
  registerEndpoint(app, auditEndpoints.list, (request) => deps.audit.list(actorOf(request), request.query));
}

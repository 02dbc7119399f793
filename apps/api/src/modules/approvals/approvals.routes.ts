import { approvalEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ApprovalsService } from './approvals.service.ts';

/** Every route of `approvalEndpoints` (contracts). */
export function registerApprovalRoutes(app: FastifyInstance, deps: { approvals: ApprovalsService }): void {
  const { approvals } = deps;
  registerEndpoint(app, approvalEndpoints.list, (request) => approvals.list(actorOf(request), request.query));
  registerEndpoint(app, approvalEndpoints.count, (request) => approvals.count(actorOf(request)));
  registerEndpoint(app, approvalEndpoints.get, (request) =>
    approvals.get(actorOf(request), request.params.id),
  );
  registerEndpoint(app, approvalEndpoints.decide, (request) =>
    approvals.decide(actorOf(request), request.params.id, request.body),
  );
}

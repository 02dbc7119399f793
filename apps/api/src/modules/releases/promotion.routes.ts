import { ApprovalsReportSchema, releaseEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint, registerStreamingEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import { type ApprovalsReport, approvalsReportCsv } from './approvals-report.ts';
import type { EnvironmentCopyService } from './environment-copy.ts';
import type { ReleasePromotion } from './release-promotion.ts';

/** The request's Idempotency-Key, already checked against the contract's header schema. */
const idempotencyKeyOf = (header: string | string[] | undefined) =>
  Array.isArray(header) ? header[0] : header;

/** Promotion, environment copy and the approvals report (`releaseEndpoints` of contracts). */
export function registerPromotionRoutes(
  app: FastifyInstance,
  deps: { promotion: ReleasePromotion; copy: EnvironmentCopyService; report: ApprovalsReport },
): void {
  registerEndpoint(app, releaseEndpoints.promote, (request) =>
    deps.promotion.promote(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
      request.body,
      idempotencyKeyOf(request.headers['idempotency-key']),
    ),
  );
  registerEndpoint(app, releaseEndpoints.environmentCopy, (request) =>
    deps.copy.copy(actorOf(request), request.params.workspace, request.params.environment, request.body),
  );
  // JSON through the contract's schema, or (`format=csv`) a CSV download of the same rows.
  registerStreamingEndpoint(app, releaseEndpoints.approvalsReport, async (request, reply) => {
    const { workspace, environment } = request.params;
    const report = await deps.report.report(actorOf(request), workspace, environment, request.query);
    if (request.query.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${environment}-approvals.csv"`)
        .send(approvalsReportCsv(report.items));
    }
    return reply.type('application/json').send(JSON.stringify(ApprovalsReportSchema.parse(report)));
  });
}

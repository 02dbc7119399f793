import { testReportEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { TestReportsService } from './test-reports.service.ts';

export function registerTestReportRoutes(
  app: FastifyInstance,
  deps: { testReports: TestReportsService },
): void {
  registerEndpoint(app, testReportEndpoints.runTests, (r) => deps.testReports.runTests(actorOf(r), r.params));
}

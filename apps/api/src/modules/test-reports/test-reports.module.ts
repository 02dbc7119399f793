import type { PrismaClient } from '@slipway/db';
import type { FastifyInstance } from 'fastify';
import type { RunsService } from '../runs/runs.service.ts';
import { createTestReports, type TestReports } from './report-ingest.ts';
import { createTestReportsRepo } from './test-reports.repo.ts';
import { registerTestReportRoutes } from './test-reports.routes.ts';
import { createTestReportsService } from './test-reports.service.ts';

/**
 * Test reports: `testReports.ingest` (what the job-files upload route calls with a job's
 * JUnit files) and the `GET …/runs/{number}/tests` route.
 */
export function createTestReportsModule(deps: {
  prisma: PrismaClient;
  runs: Pick<RunsService, 'readable'>;
}): {
  testReports: TestReports;
  registerRoutes(app: FastifyInstance): void;
} {
  const repo = createTestReportsRepo(deps.prisma);
  const service = createTestReportsService({ repo, runs: deps.runs });
  return {
    testReports: createTestReports({ repo }),
    registerRoutes: (app) => registerTestReportRoutes(app, { testReports: service }),
  };
}

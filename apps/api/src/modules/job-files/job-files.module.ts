import type { PrismaClient } from '@slipway/db';
import type { FastifyInstance } from 'fastify';
import { createJobFilesRepo } from './job-files.repo.ts';
import { registerJobFilesRoutes } from './job-files.routes.ts';
import {
  createJobFilesService,
  type JobArtifactStore,
  type JobCacheStore,
  type JobTestReports,
} from './job-files.service.ts';
import { createJobTokens, type JobTokens } from './job-token.ts';

/**
 * How files get out of and into jobs: the per-job tokens (the engine hands them to jobs
 * with restore/upload steps) and the `/api/v1/job-files/*` routes those steps call, on top of
 * the artifact store, the test reports and the caches.
 */
export function createJobFilesModule(deps: {
  prisma: PrismaClient;
  /** The server's secret key: job tokens are HMACs with it. */
  secretKey: Buffer;
  artifacts?: JobArtifactStore | undefined;
  testReports?: JobTestReports | undefined;
  caches?: JobCacheStore | undefined;
}): { tokens: JobTokens; registerRoutes(app: FastifyInstance): Promise<void> } {
  const tokens = createJobTokens(deps.secretKey);
  const jobFiles = createJobFilesService({
    repo: createJobFilesRepo(deps.prisma),
    tokens,
    artifacts: deps.artifacts,
    testReports: deps.testReports,
    caches: deps.caches,
  });
  return { tokens, registerRoutes: (app) => registerJobFilesRoutes(app, { jobFiles }) };
}

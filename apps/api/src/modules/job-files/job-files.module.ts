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
import type { JobTokens } from './job-token.ts';

/**
 * How files get out of and into jobs: the `/api/v1/job-files/*` routes that jobs'
 * restore/upload steps call with their token, on top of the artifact store, the test reports
 * and the caches.
 */
export function createJobFilesModule(deps: {
  prisma: PrismaClient;
  /** The per-job tokens (HMACs with the server's secret key) the engine hands out. */
  tokens: JobTokens;
  artifacts?: JobArtifactStore | undefined;
  testReports?: JobTestReports | undefined;
  caches?: JobCacheStore | undefined;
}): { registerRoutes(app: FastifyInstance): Promise<void> } {
  const jobFiles = createJobFilesService({
    repo: createJobFilesRepo(deps.prisma),
    tokens: deps.tokens,
    artifacts: deps.artifacts,
    testReports: deps.testReports,
    caches: deps.caches,
  });
  return { registerRoutes: (app) => registerJobFilesRoutes(app, { jobFiles }) };
}

import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { PipelinesService } from '../pipelines/pipelines.service.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { createSchedulesRepo } from './schedules.repo.ts';
import { registerScheduleRoutes } from './schedules.routes.ts';
import { createSchedulesService } from './schedules.service.ts';

/**
 * Pipeline schedules: the API, and the scheduler the leader starts and stops with the run
 * engine (server.ts). A change through any replica re-arms the leader's scheduler through
 * the run channel (SCHEDULES_CHANGED); here at once.
 */
export function createSchedulesModule(deps: {
  prisma: PrismaClient;
  pipelines: PipelinesService;
  runs: RunsService;
  /** Encrypts the values of secret parameters a schedule stores. */
  secrets: SecretBox;
  logger?: FastifyBaseLogger | undefined;
}): { scheduler: Scheduler; registerRoutes(app: FastifyInstance): void } {
  const repo = createSchedulesRepo(deps.prisma);
  const scheduler = createScheduler({
    schedules: repo,
    runs: deps.runs,
    secrets: deps.secrets,
    logger: deps.logger,
  });
  const service = createSchedulesService({
    schedules: repo,
    pipelines: deps.pipelines,
    runs: deps.runs,
    secrets: deps.secrets,
    changed: async () => {
      scheduler.rearm();
      await repo.announce();
    },
  });
  return { scheduler, registerRoutes: (app) => registerScheduleRoutes(app, { schedules: service }) };
}

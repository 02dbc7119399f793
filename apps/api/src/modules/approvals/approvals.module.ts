import type { Permission } from '@slipway/contracts';
import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AccessService } from '../access/access.service.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import type { Notify } from '../notifications/notify.ts';
import type { CommitLister } from '../releases/release-commits.ts';
import type { ReleasesRepo } from '../releases/releases.repo.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { createApprovalSweeper } from './approval-sweeper.ts';
import { createApprovalsRepo } from './approvals.repo.ts';
import { registerApprovalRoutes } from './approvals.routes.ts';
import { createApprovalsService } from './approvals.service.ts';

/**
 * Deploy approvals and the approvals inbox wired together: the API (list, count, get with
 * the diff, decide) and the expiry sweeper (leader only: start and stop it with the release
 * controller).
 */
export function createApprovalsModule(deps: {
  prisma: PrismaClient;
  releases: ReleasesRepo;
  access: AccessService;
  runs: RunsService;
  clients: ClusterClients;
  commits: CommitLister;
  customRoles: (workspaceId: string) => Promise<ReadonlyMap<string, readonly Permission[]>>;
  admit: (environmentId: string) => void;
  changed: (runId: string) => void;
  notify?: Notify | undefined;
  logger?: FastifyBaseLogger | undefined;
}) {
  const service = createApprovalsService({ ...deps, approvals: createApprovalsRepo(deps.prisma) });
  return {
    service,
    sweeper: createApprovalSweeper({ sweep: service.expire, logger: deps.logger }),
    registerRoutes: (app: FastifyInstance) => registerApprovalRoutes(app, { approvals: service }),
  };
}

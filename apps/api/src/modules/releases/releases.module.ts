import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { GitRepositories } from '../../lib/git-repository.ts';
import type { AccessService } from '../access/access.service.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import { type Notify, notifyNobody } from '../notifications/notify.ts';
import { reportingReleaseEvents } from '../notifications/release-events.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { createApprovalsReport } from './approvals-report.ts';
import { createConfigGc } from './config-gc.ts';
import { createDeployExecutor } from './deploy-executor.ts';
import { createEnvironmentCopy } from './environment-copy.ts';
import { createPromotionRepo } from './promotion.repo.ts';
import { registerPromotionRoutes } from './promotion.routes.ts';
import { createReleaseController } from './release-controller.ts';
import { createLiveView } from './release-live.ts';
import { createReleasePromotion } from './release-promotion.ts';
import { createReleasesRepo } from './releases.repo.ts';
import { registerReleaseRoutes } from './releases.routes.ts';
import { createReleasesService } from './releases.service.ts';

/**
 * The deploy half wired together: the deploy executor (to which the run engine dispatches
 * jobs of kind `deploy`), the release controller that deploys releases (leader only: start
 * and stop it with the run engine), the config GC it runs, and the releases API.
 */
export function createReleasesModule(deps: {
  prisma: PrismaClient;
  clients: ClusterClients;
  audit: AuditRepo;
  gitRepositories: GitRepositories;
  projects: ProjectsService;
  workspaces: WorkspacesService;
  access: AccessService;
  logger?: FastifyBaseLogger | undefined;
  /** Where releases report what people must hear about (approval requested, deployed, failed). */
  notify?: Notify | undefined;
}) {
  // Every release created or ended through this repository is reported (release-events.ts).
  const releasesRepo = reportingReleaseEvents(createReleasesRepo(deps.prisma), deps.notify ?? notifyNobody);
  const deployExecutor = createDeployExecutor({
    releases: releasesRepo,
    controller: () => controller,
    readRepository: (url, at, path) => deps.gitRepositories.readYamlFiles(url, at, path),
    commitAuthor: (url, commit) => deps.gitRepositories.commitAuthorEmail(url, commit),
  });
  const controller = createReleaseController({
    releases: releasesRepo,
    clients: deps.clients,
    logger: deps.logger,
    onChange: (release) => release.runId && deployExecutor.changed(release.runId),
    notify: deps.notify,
    gc: createConfigGc({
      releases: releasesRepo,
      clients: deps.clients,
      audit: deps.audit,
      logger: deps.logger,
    }),
  });
  const service = createReleasesService({
    releases: releasesRepo,
    projects: deps.projects,
    workspaces: deps.workspaces,
    access: deps.access,
    admit: (environmentId) => controller.admit(environmentId),
    live: createLiveView({ releases: releasesRepo, clients: deps.clients }),
    commits: (url, from, to) => deps.gitRepositories.commitsBetween(url, from, to),
  });
  const promotionRepo = createPromotionRepo(deps.prisma);
  const promotion = createReleasePromotion({
    releases: releasesRepo,
    promotion: promotionRepo,
    projects: deps.projects,
    access: deps.access,
    readRepository: (url, at, path) => deps.gitRepositories.readYamlFiles(url, at, path),
    admit: (environmentId) => controller.admit(environmentId),
  });
  const copy = createEnvironmentCopy({
    promotion: promotionRepo,
    promote: promotion.promoteTo,
    workspaces: deps.workspaces,
  });
  const report = createApprovalsReport({
    promotion: promotionRepo,
    releases: releasesRepo,
    workspaces: deps.workspaces,
  });
  return {
    /** The executor of deploy jobs, for the run engine. */
    deployExecutor: deployExecutor.executor,
    controller,
    /** The releases repository (deploy approvals queue releases and end them). */
    repo: releasesRepo,
    /** Tells the engine that a release of the run changed (approved, rejected, expired). */
    changed: (runId: string) => deployExecutor.changed(runId),
    registerRoutes: (app: FastifyInstance) => {
      registerReleaseRoutes(app, { releases: service });
      registerPromotionRoutes(app, { promotion, copy, report });
    },
  };
}

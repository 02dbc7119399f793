import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { GitRepositories } from '../../lib/git-repository.ts';
import type { AccessService } from '../access/access.service.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import type { Notify } from '../notifications/notify.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { createConfigGc } from './config-gc.ts';
import { createDeployExecutor } from './deploy-executor.ts';
import { createReleaseController } from './release-controller.ts';
import { createLiveView } from './release-live.ts';
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
  /** Where release.rolled-back (and the other deploy events) are reported. */
  notify?: Notify | undefined;
}) {
  const releasesRepo = createReleasesRepo(deps.prisma);
  const deployExecutor = createDeployExecutor({
    releases: releasesRepo,
    controller: () => controller,
    readRepository: (url, at, path) => deps.gitRepositories.readYamlFiles(url, at, path),
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
  return {
    /** The executor of deploy jobs, for the run engine. */
    deployExecutor: deployExecutor.executor,
    controller,
    registerRoutes: (app: FastifyInstance) => registerReleaseRoutes(app, { releases: service }),
  };
}

import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { Permission } from '@slipway/contracts';
import type { Database } from '@slipway/db';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppConfig, ArtifactsConfig } from './config.ts';
import { createGitRepositories } from './lib/git-repository.ts';
import { registerJsonBodyParser } from './lib/json-body.ts';
import type { OutboundPolicy, OutboundProxy, ResolveHost } from './lib/outbound-guard.ts';
import { createRequestId } from './lib/request-id.ts';
import { refuseNulCharacters } from './lib/route.ts';
import { createSecretBox } from './lib/secret-box.ts';
import { createAccessRepo } from './modules/access/access.repo.ts';
import { createAccessService } from './modules/access/access.service.ts';
import { createApprovalsModule } from './modules/approvals/approvals.module.ts';
import type { ArtifactGc } from './modules/artifacts/artifact-gc.ts';
import type { ArtifactStore } from './modules/artifacts/artifact-store.ts';
import { DEFAULT_ARTIFACT_MAX_RUN_BYTES } from './modules/artifacts/artifact-store-url.ts';
import { createArtifactsModule } from './modules/artifacts/artifacts.module.ts';
import { type BlobStore, createBlobStore } from './modules/artifacts/blob-store.ts';
import { createAuditRepo } from './modules/audit/audit.repo.ts';
import { registerAuditRoutes } from './modules/audit/audit.routes.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { createAuthRepo } from './modules/auth/auth.repo.ts';
import { registerAuthRoutes } from './modules/auth/auth.routes.ts';
import { type AuthService, createAuthService } from './modules/auth/auth.service.ts';
import { createAuthCache } from './modules/auth/auth-cache.ts';
import { createLoginThrottle } from './modules/auth/login-throttle.ts';
import { createOidcRepo } from './modules/auth/oidc.repo.ts';
import { registerOidcRoutes } from './modules/auth/oidc.routes.ts';
import { createOidcService } from './modules/auth/oidc.service.ts';
import { type CachesConfig, DEFAULT_CACHE_LIMITS, defaultCacheDir } from './modules/caches/cache-config.ts';
import { createCachesModule } from './modules/caches/caches.module.ts';
import { createClusterClients } from './modules/clusters/cluster-clients.ts';
import { createClustersRepo } from './modules/clusters/clusters.repo.ts';
import { registerClusterRoutes } from './modules/clusters/clusters.routes.ts';
import { createClustersService } from './modules/clusters/clusters.service.ts';
import { createConfigRepo } from './modules/config/config.repo.ts';
import { registerConfigRoutes } from './modules/config/config.routes.ts';
import { createConfigService } from './modules/config/config.service.ts';
import { createCredentialsRepo } from './modules/credentials/credentials.repo.ts';
import { registerCredentialRoutes } from './modules/credentials/credentials.routes.ts';
import {
  type CredentialsService,
  createCredentialsService,
} from './modules/credentials/credentials.service.ts';
import { createEnvironmentsRepo } from './modules/environments/environments.repo.ts';
import { registerEnvironmentRoutes } from './modules/environments/environments.routes.ts';
import {
  createEnvironmentsService,
  type EnvironmentsService,
} from './modules/environments/environments.service.ts';
import { ensureDeployer } from './modules/environments/namespaces.ts';
import { registerHealthRoutes } from './modules/health/health.routes.ts';
import { createJobFilesModule } from './modules/job-files/job-files.module.ts';
import { createJobTokens } from './modules/job-files/job-token.ts';
import { registerKubernetesSchemaRoutes } from './modules/kubernetes-schema/kubernetes-schema.routes.ts';
import { createKubernetesSchemaService } from './modules/kubernetes-schema/kubernetes-schema.service.ts';
import { createManifestDryRun } from './modules/manifests/dry-run.ts';
import { createManifestsRepo } from './modules/manifests/manifests.repo.ts';
import { registerManifestRoutes } from './modules/manifests/manifests.routes.ts';
import { createManifestsService } from './modules/manifests/manifests.service.ts';
import { registerMeRoutes } from './modules/me/me.routes.ts';
import { createMeService } from './modules/me/me.service.ts';
import { createTokensRepo } from './modules/me/tokens.repo.ts';
import { createMembersRepo } from './modules/members/members.repo.ts';
import { registerMemberRoutes } from './modules/members/members.routes.ts';
import { createMembersService } from './modules/members/members.service.ts';
import { registerHttpMetrics } from './modules/metrics/http-metrics.ts';
import { createMetrics, type Metrics } from './modules/metrics/metrics.ts';
import type { NotificationSenderConfig } from './modules/notifications/notification-sender.ts';
import {
  createNotificationsModule,
  type NotificationsModule,
} from './modules/notifications/notifications.module.ts';
import { createPipelinesRepo } from './modules/pipelines/pipelines.repo.ts';
import { registerPipelineRoutes } from './modules/pipelines/pipelines.routes.ts';
import { createPipelinesService, type PipelinesService } from './modules/pipelines/pipelines.service.ts';
import { createStoredParameterSealer } from './modules/pipelines/stored-parameter-sealing.ts';
import { createProjectImportService } from './modules/projects/project-import.service.ts';
import { createProjectsRepo } from './modules/projects/projects.repo.ts';
import { registerProjectRoutes } from './modules/projects/projects.routes.ts';
import { createProjectsService, type ProjectsService } from './modules/projects/projects.service.ts';
import type { ReleaseController } from './modules/releases/release-controller.ts';
import { createReleasesModule } from './modules/releases/releases.module.ts';
import { createRolesRepo } from './modules/roles/roles.repo.ts';
import { createRolesService } from './modules/roles/roles.service.ts';
import { createActiveRunsRepo } from './modules/runs/active-runs.repo.ts';
import { createActiveRunsGuard } from './modules/runs/active-runs-guard.ts';
import { createKubeExecutors } from './modules/runs/engine/kube-executors.ts';
import { createLocalExecutor, loopbackUrlOf } from './modules/runs/engine/local-executor.ts';
import { createReconciler, type Reconciler } from './modules/runs/engine/reconciler.ts';
import { createRunStreamHub } from './modules/runs/run-stream.ts';
import { createRunsRepo } from './modules/runs/runs.repo.ts';
import { registerRunRoutes } from './modules/runs/runs.routes.ts';
import { createRunsService, type RunsService } from './modules/runs/runs.service.ts';
import { createStepLogs } from './modules/runs/step-logs.ts';
import type { Scheduler } from './modules/schedules/scheduler.ts';
import { createSchedulesModule } from './modules/schedules/schedules.module.ts';
import { createSchedulesRepo } from './modules/schedules/schedules.repo.ts';
import { createTemplatesRepo } from './modules/templates/templates.repo.ts';
import { registerTemplateRoutes } from './modules/templates/templates.routes.ts';
import { createTemplatesService } from './modules/templates/templates.service.ts';
import type { TestReports } from './modules/test-reports/report-ingest.ts';
import { createTestReportsModule } from './modules/test-reports/test-reports.module.ts';
import { createUsersRepo } from './modules/users/users.repo.ts';
import { registerUserRoutes } from './modules/users/users.routes.ts';
import { createUsersService } from './modules/users/users.service.ts';
import { createWebhookReceiver } from './modules/webhooks/webhook-receiver.ts';
import { createWebhooksRepo } from './modules/webhooks/webhooks.repo.ts';
import { registerWebhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { createWebhooksService } from './modules/webhooks/webhooks.service.ts';
import { createWorkspacesRepo } from './modules/workspaces/workspaces.repo.ts';
import { registerWorkspaceRoutes } from './modules/workspaces/workspaces.routes.ts';
import { createWorkspacesService, type WorkspacesService } from './modules/workspaces/workspaces.service.ts';
import { registerAuditTrail } from './plugins/audit-trail.ts';
import { registerAuthentication } from './plugins/authentication.ts';
import { registerConsole } from './plugins/console-static.ts';
import { answerClientError, answerFrameworkError, registerErrorHandler } from './plugins/error-handler.ts';
import { registerOpenApi, registerOpenApiDocuments } from './plugins/openapi.ts';
import { SECURITY_HEADERS } from './plugins/security-headers.ts';

export interface AppDeps {
  config: Pick<
    AppConfig,
    | 'session'
    | 'consoleDir'
    | 'trustProxy'
    | 'corsOrigins'
    | 'bodyLimitBytes'
    | 'kubeTimeoutMs'
    | 'loginThrottle'
    | 'publicUrl'
    | 'oidc'
  > & {
    /** 32 bytes: encrypts kubeconfigs and other secrets at rest. */
    secretKey: Buffer;
    /** Where the local executor keeps one directory per job attempt. */
    workDir: string;
    /** Projects may name repositories on the server's disk (SLIPWAY_ALLOW_LOCAL_REPOS); default false. */
    allowLocalRepos?: boolean;
    /**
     * The server may connect to local-network addresses users type: repositories,
     * notification receivers (SLIPWAY_ALLOW_LOCAL_NETWORK); default false.
     */
    allowLocalNetwork?: boolean;
    /** The proxy for those requests (http_proxy, https_proxy, no_proxy); none: direct. */
    outboundProxy?: OutboundProxy | undefined;
    /** The API's URL for Kubernetes jobs' restore/upload steps (SLIPWAY_JOB_API_URL); none: such jobs fail. */
    jobApiUrl?: string | undefined;
    /** SMTP and the sender's retries (SLIPWAY_SMTP_*, SLIPWAY_NOTIFY_*); defaults without. */
    notifications?: NotificationSenderConfig | undefined;
    /** Job caches (SLIPWAY_CACHE_*); default: `<workDir>/caches` and the default limits. */
    caches?: CachesConfig | undefined;
    /** SLIPWAY_ARTIFACT_STORE, SLIPWAY_ARTIFACT_MAX_RUN_BYTES; default PostgreSQL, 1 GiB per run. */
    artifacts?: ArtifactsConfig | undefined;
  };
  db: Pick<Database, 'prisma' | 'checkReady' | 'sql'> & Partial<Pick<Database, 'openChannel'>>;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  /** Told the duration of every reconcile of the run engine (benchmarks, metrics). */
  onReconcile?: (runId: string, durationMs: number) => void;
  /** Resolves the host names users type before the server connects to them (default: the system's); tests inject one. */
  resolveHost?: ResolveHost;
}

export interface SlipwayServices {
  auth: AuthService;
  runs: RunsService;
  workspaces: WorkspacesService;
  environments: EnvironmentsService;
  projects: ProjectsService;
  pipelines: PipelinesService;
  credentials: CredentialsService;
}

export interface SlipwayApp {
  app: FastifyInstance;
  services: SlipwayServices;
  /** The run engine: started only while this process leads (see server.ts). */
  engine: Reconciler;
  /** The release controller (deploys, rollbacks, ConfigMap GC): started with the engine. */
  releases: ReleaseController;
  /** `notify` (what the deploy parts report through) and the outbox's sender: started with the engine. */
  notifications: Pick<NotificationsModule, 'notify' | 'sender'>;
  /** Fires pipeline schedules: started only while this process leads, with the engine (server.ts). */
  scheduler: Scheduler;
  /** This app's Prometheus registry and series (served by `startMetricsListener`, see server.ts). */
  metrics: Metrics;
  /** Stores the JUnit reports a job uploads (the job-files route calls `ingest`). */
  testReports: TestReports;
  /**
   * Job artifacts: the store (the job-files routes save into and read from it), the blob store
   * (caches of Kubernetes jobs use it too) and the expiry, started only while leading (server.ts).
   */
  artifacts: { store: ArtifactStore; blobs: BlobStore; gc: ArtifactGc };
}

/** Responses smaller than this are sent uncompressed. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/** Log redaction: credentials must never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["x-gitlab-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.kubeconfig',
  '*.secret',
];

/**
 * One log line per request, when it completes (method, URL, status, time), instead of
 * Fastify's two ("incoming request" and "request completed").
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      );
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}

/** Builds the whole application without listening: the server and the tests both use it. */
export async function buildApp(deps: AppDeps): Promise<SlipwayApp> {
  const { config, db } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: createRequestId,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    // Refusals of the router and of Node's HTTP parser in the one error shape too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    logController: new OneLinePerRequest(),
  });
  app.setValidatorCompiler(validatorCompiler);
  registerJsonBodyParser(app);
  app.addHook('preValidation', refuseNulCharacters);
  app.setSerializerCompiler(serializerCompiler);
  // First hook: the request's duration covers every other hook.
  const metrics = createMetrics();
  registerHttpMetrics(app, metrics);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // External plugins.
  await app.register(cookie);
  // Security headers (helmet's, computed once: see security-headers.ts), on the raw response
  // as helmet sets them, so that hijacked answers (event streams) carry them too.
  app.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value);
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  }
  // API responses of 1 KiB or more are compressed (br or gzip, by Accept-Encoding). The
  // console's files come pre-compressed from its build; event streams are hijacked and so
  // never pass through here (a compressor would hold their frames back).
  await app.register(compress, {
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await registerOpenApi(app);
  const consoleFallback = await registerConsole(app, config.consoleDir);

  // Application plugins.
  registerErrorHandler(app, consoleFallback ? { notFoundFallback: consoleFallback } : {});
  const authCache = createAuthCache();
  if (db.openChannel) await authCache.connect(db.openChannel, (message) => deps.logger?.warn(message));
  app.addHook('onClose', () => authCache.close());
  const auth = createAuthService({
    repo: createAuthRepo(db.prisma),
    cache: authCache,
    policy: config.session,
    throttle: createLoginThrottle(config.loginThrottle),
  });
  registerAuthentication(app, { auth });
  const auditRepo = createAuditRepo(db.prisma);
  registerAuditTrail(app, { audit: auditRepo });

  // Modules.
  const access = createAccessService({
    repo: createAccessRepo(db.prisma),
    cache: authCache.grants,
    authChanged: auth.changed,
  });
  const workspaces = createWorkspacesService({ workspaces: createWorkspacesRepo(db.prisma), access });
  const credentials = createCredentialsService({
    credentials: createCredentialsRepo(db.prisma),
    workspaces,
    secrets: createSecretBox(config.secretKey),
  });
  // Deleting what runs depend on waits for, or cancels, their active runs; the runs service
  // and the engine are built further down (the guard calls them only while handling a delete).
  const activeRunsGuard = createActiveRunsGuard({
    repo: createActiveRunsRepo(db.prisma),
    audit: auditRepo,
    cancel: (run, message) => runs.cancelBecause(run, message),
    settle: (runId) => engine.settle(runId),
  });
  const outbound: OutboundPolicy = {
    allowLocalNetwork: config.allowLocalNetwork ?? false,
    resolve: deps.resolveHost,
    proxy: config.outboundProxy,
  };
  const projects = createProjectsService({
    projects: createProjectsRepo(db.prisma, db.sql),
    workspaces,
    access,
    allowLocalRepos: config.allowLocalRepos ?? false,
    outbound,
    credentialExists: credentials.exists,
    guard: activeRunsGuard,
    // Caches live partly outside the database: their archives go once the delete commits.
    onDeleted: () =>
      caches.projectDeleted().catch((error: unknown) => {
        deps.logger?.warn({ err: error }, 'caches: could not remove a deleted project’s caches');
      }),
  });
  const cachesConfig = config.caches ?? { dir: defaultCacheDir(config.workDir), ...DEFAULT_CACHE_LIMITS };
  const artifactsConfig = config.artifacts ?? {
    store: { kind: 'postgres' as const },
    maxRunBytes: DEFAULT_ARTIFACT_MAX_RUN_BYTES,
  };
  // One blob store (PostgreSQL large objects, or S3): artifacts, and caches of Kubernetes jobs.
  const blobs = createBlobStore(artifactsConfig.store, { prisma: db.prisma });
  const caches = createCachesModule({
    prisma: db.prisma,
    projects,
    config: cachesConfig,
    blobs,
    logger: deps.logger,
  });
  caches.registerRoutes(app);
  const clusterClients = createClusterClients({
    secrets: createSecretBox(config.secretKey),
    timeoutMs: config.kubeTimeoutMs,
    onWatchRestart: (resource) => metrics.watchRestarted(resource),
  });
  const clustersRepo = createClustersRepo(db.prisma);
  const clusters = createClustersService({
    clusters: clustersRepo,
    secrets: createSecretBox(config.secretKey),
    clients: clusterClients,
    access,
    guard: activeRunsGuard,
  });
  const environments = createEnvironmentsService({
    environments: createEnvironmentsRepo(db.prisma),
    clusters: clustersRepo,
    workspaces,
    clients: clusterClients,
    guard: activeRunsGuard,
    approverRoles: (workspaceId) => roles.gateRoles(workspaceId),
    // An unlock or a changed freeze window lets the environment's deploy queue move at once.
    onChange: (environmentId) => deploys.controller.admit(environmentId),
  });
  const kubernetesSchema = createKubernetesSchemaService({
    workspaces,
    environments: createEnvironmentsRepo(db.prisma),
    clients: clusterClients,
  });
  const me = createMeService({ tokens: createTokensRepo(db.prisma), access, workspaces, projects });
  const users = createUsersService({ users: createUsersRepo(db.prisma), access, authChanged: auth.changed });
  const membersRepo = createMembersRepo(db.prisma);
  const rolesRepo = createRolesRepo(db.prisma);
  const roles = createRolesService({
    roles: rolesRepo,
    members: membersRepo,
    workspaces,
    authChanged: auth.changed,
  });
  const members = createMembersService({
    members: membersRepo,
    roles,
    workspaces,
    projects,
    authChanged: auth.changed,
  });
  const audit = createAuditService({ audit: auditRepo, access, workspaces });
  registerHealthRoutes(app, { checkReady: db.checkReady });
  registerAuthRoutes(app, { auth });
  registerWorkspaceRoutes(app, { workspaces });
  registerClusterRoutes(app, { clusters });
  registerEnvironmentRoutes(app, { environments });
  registerKubernetesSchemaRoutes(app, { kubernetesSchema });
  registerCredentialRoutes(app, { credentials });
  registerMeRoutes(app, { me, auth });
  registerOidcRoutes(app, {
    oidc: createOidcService({
      config: config.oidc,
      publicUrl: config.publicUrl,
      secrets: createSecretBox(config.secretKey),
      repo: createOidcRepo(db.prisma),
      auth,
    }),
  });
  registerUserRoutes(app, { users });
  registerMemberRoutes(app, { members, roles });
  registerAuditRoutes(app, { audit });
  const templates = createTemplatesService({
    templates: createTemplatesRepo(db.prisma),
    workspaces,
    gateRoles: roles.gateRoles,
  });
  registerTemplateRoutes(app, { templates });
  const pipelines = createPipelinesService({
    pipelines: createPipelinesRepo(db.prisma),
    projects,
    resolveTemplate: templates.resolve,
    gateRoles: roles.gateRoles,
    sealStoredParameters: createStoredParameterSealer({
      schedules: createSchedulesRepo(db.prisma),
      webhooks: createWebhooksRepo(db.prisma),
      secrets: createSecretBox(config.secretKey),
    }),
  });
  registerPipelineRoutes(app, { pipelines });
  registerManifestRoutes(app, {
    manifests: createManifestsService({
      manifests: createManifestsRepo(db.prisma),
      projects,
      dryRun: createManifestDryRun({
        environments: createEnvironmentsRepo(db.prisma),
        clients: clusterClients,
        // Environments made before deployers existed get theirs here (idempotent).
        prepare: ensureDeployer,
      }),
    }),
  });
  registerConfigRoutes(app, {
    config: createConfigService({ config: createConfigRepo(db.prisma), projects }),
  });
  const gitRepositories = createGitRepositories({ allowLocal: config.allowLocalRepos ?? false, outbound });
  registerProjectRoutes(app, {
    projects,
    projectImport: createProjectImportService({
      projects,
      templates,
      pipelines,
      repositories: gitRepositories,
    }),
  });

  const runsRepo = createRunsRepo(db.prisma, db.sql);
  const stream = createRunStreamHub({ runs: runsRepo });
  // Jobs with restore/upload steps get a token of their own for the job-files routes.
  const jobTokens = createJobTokens(config.secretKey);
  const localExecutor = createLocalExecutor({
    workDir: config.workDir,
    // Known once the server listens (the tests listen on port 0).
    apiUrl: () => loopbackUrlOf(app.server.address()),
  });
  const kubeExecutors = createKubeExecutors({
    clients: clusterClients,
    onRecover: (cluster, reason) => deps.logger?.info({ cluster }, `cluster watch: ${reason}`),
  });
  const customRoles = async (workspaceId: string) =>
    new Map((await rolesRepo.list(workspaceId)).map((role) => [role.name, role.permissions as Permission[]]));
  const notifications = createNotificationsModule({
    prisma: db.prisma,
    access,
    workspaces,
    secrets: createSecretBox(config.secretKey),
    customRoles,
    publicUrl: config.publicUrl,
    sender: config.notifications,
    outbound,
    logger: deps.logger,
  });
  notifications.registerRoutes(app);
  // Releases: deploy jobs of runs go to the deploy executor; the controller deploys them.
  const deploys = createReleasesModule({
    prisma: db.prisma,
    clients: clusterClients,
    audit: auditRepo,
    gitRepositories,
    projects,
    workspaces,
    access,
    logger: deps.logger,
    notify: notifications.notify,
  });
  const engine = createReconciler({
    runs: runsRepo,
    deployExecutor: deploys.deployExecutor,
    secrets: createSecretBox(config.secretKey),
    resolveCredentials: credentials.resolveForRun,
    localExecutor,
    kubeExecutors,
    jobFiles: { tokenOf: (jobRunId) => jobTokens.sign(jobRunId), kubeApiUrl: config.jobApiUrl },
    logger: deps.logger,
    onReconcile: (runId, durationMs) => {
      metrics.enginePass(durationMs / 1000);
      deps.onReconcile?.(runId, durationMs);
    },
    metrics: metrics.runs,
    notify: (runId) => stream.notify(runId),
  });
  metrics.readRunsActive(() => engine.activeRuns());
  metrics.readDeployQueue(() =>
    deploys.controller.queueDepths().catch((error: unknown) => {
      deps.logger?.warn({ err: error }, 'metrics: could not read the deploy queues');
      throw error;
    }),
  );
  const runs = createRunsService({
    runs: runsRepo,
    pipelines,
    environments: createEnvironmentsRepo(db.prisma),
    access,
    secrets: createSecretBox(config.secretKey),
    resolveCredentials: credentials.resolveForRun,
    customRoles,
    wake: (runId) => engine.wake(runId),
  });
  const approvals = createApprovalsModule({
    prisma: db.prisma,
    releases: deploys.repo,
    access,
    runs,
    clients: clusterClients,
    commits: (url, from, to) => gitRepositories.commitsBetween(url, from, to),
    customRoles,
    admit: (environmentId) => deploys.controller.admit(environmentId),
    changed: deploys.changed,
    notify: notifications.notify,
    logger: deps.logger,
  });
  approvals.registerRoutes(app);
  // The approval expiry sweeper leads with the release controller.
  const releases: ReleaseController = {
    ...deploys.controller,
    start: () => {
      deploys.controller.start();
      approvals.sweeper.start();
    },
    stop: async () => {
      await approvals.sweeper.stop();
      await deploys.controller.stop();
    },
  };
  registerRunRoutes(app, { runs, stream, logs: createStepLogs({ runs: runsRepo }) });
  const artifacts = createArtifactsModule({
    prisma: db.prisma,
    config: artifactsConfig,
    blobs,
    readableRun: (actor, params) => runs.readable(actor, params),
    logger: deps.logger,
  });
  artifacts.registerRoutes(app);
  deploys.registerRoutes(app);
  const schedules = createSchedulesModule({
    prisma: db.prisma,
    pipelines,
    runs,
    secrets: createSecretBox(config.secretKey),
    logger: deps.logger,
  });
  schedules.registerRoutes(app);
  const testReports = createTestReportsModule({ prisma: db.prisma, runs });
  testReports.registerRoutes(app);
  // Files into and out of jobs: the routes their restore/upload steps call with their token.
  await createJobFilesModule({
    prisma: db.prisma,
    tokens: jobTokens,
    artifacts: artifacts.store,
    testReports: testReports.testReports,
    caches: caches.store,
  }).registerRoutes(app);
  const webhooksRepo = createWebhooksRepo(db.prisma);
  await registerWebhookRoutes(app, {
    webhooks: createWebhooksService({
      webhooks: webhooksRepo,
      projects,
      pipelines,
      environments: createEnvironmentsRepo(db.prisma),
      access,
      secrets: createSecretBox(config.secretKey),
    }),
    receiver: createWebhookReceiver({
      webhooks: webhooksRepo,
      runs,
      secrets: createSecretBox(config.secretKey),
      audit: auditRepo,
    }),
    bodyLimitBytes: config.bodyLimitBytes,
  });
  app.addHook('onClose', async () => {
    await artifacts.gc.stop();
    await schedules.scheduler.stop();
    await releases.stop();
    await notifications.sender.stop();
    notifications.sender.close();
    await engine.stop();
    kubeExecutors.stopAll();
    stream.close();
  });

  await registerOpenApiDocuments(app);

  return {
    app,
    services: { auth, runs, workspaces, environments, projects, pipelines, credentials },
    engine,
    releases,
    notifications: { notify: notifications.notify, sender: notifications.sender },
    scheduler: schedules.scheduler,
    metrics,
    testReports: testReports.testReports,
    artifacts: { store: artifacts.store, blobs: artifacts.blobs, gc: artifacts.gc },
  };
}

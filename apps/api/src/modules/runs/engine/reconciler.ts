import { ACTIVE_RUN_STATUSES, FINISHED_STATUSES } from '@slipway/contracts';
import type { PrismaClient } from '@slipway/db';
import {
  type PlanContext,
  type PlannedJob,
  parseRunRef,
  planRun,
  refVariables,
  secretEnvName,
  variableEnv,
} from '@slipway/pipeline';
import type { FastifyBaseLogger } from 'fastify';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { latestAttempts } from '../run-view.ts';
import { type JobRunRow, type RunsRepo, type RunWithJobs, runInclude } from '../runs.repo.ts';
import { CHECKOUT_STEP, parseRunSpec } from '../runs.service.ts';
import { type Executor, externalNameOf, type JobDispatch, type JobRef } from './executor.ts';
import { createLogArchiver } from './log-archiver.ts';
import { secretsOfRun } from './log-masking.ts';
import {
  type CredentialResolver,
  credentialEnvNames,
  credentialsOfJob,
  credentialsOfRun,
  dockerConfigOf,
  type ResolvedCredential,
} from './run-credentials.ts';

const finished = (status: string) => FINISHED_STATUSES.includes(status);

/**
 * How an unfinished step ends when its job does: a running one is cancelled (or fails, with
 * the job), one that never started after a failure is skipped.
 */
function endStatus(
  current: string,
  neverStarted: boolean,
  jobEnd: 'cancelled' | 'skipped' | 'failed',
): string {
  if (current === 'running') return jobEnd === 'skipped' ? 'cancelled' : jobEnd;
  return neverStarted && jobEnd === 'failed' ? 'skipped' : jobEnd;
}
const TICK_MS = 1000;
/** Runs reconciled at the same time in one pass. */
const RUN_CONCURRENCY = 8;

interface RunContextRow {
  run: RunWithJobs;
  executor: Executor;
  namespace: string;
  project: { slug: string; repoUrl: string | null; workspaceSlug: string; gitCredential: string | null };
  /** Secret parameter values, by parameter. */
  secrets: Record<string, string>;
  /** The credentials the run uses, decrypted. */
  credentials: Map<string, ResolvedCredential>;
  plan: PlannedJob[];
  /** The run's variables as the steps' environment (`SLIPWAY_BRANCH`, `SLIPWAY_PARAM_<NAME>`, …). */
  variables: Record<string, string>;
}

export interface EnvironmentForRun {
  id: string;
  namespace: string | null;
  cluster: {
    id: string;
    inCluster: boolean;
    kubeconfigEncrypted: string | null;
    context: string | null;
    updatedAt: Date;
  } | null;
}

/**
 * The run engine, level-triggered: each pass compares what every active run needs with
 * what exists on its executor and acts. Everything it creates has a deterministic name, so
 * a pass repeated after a crash adopts what exists instead of starting it twice.
 */
export function createReconciler(deps: {
  prisma: PrismaClient;
  runs: RunsRepo;
  secrets: SecretBox;
  /** The credentials a run uses, decrypted at dispatch. */
  resolveCredentials: CredentialResolver;
  executorFor: (environment: EnvironmentForRun | null) => Executor;
  logger?: FastifyBaseLogger | undefined;
  /** Called after anything of a run changed (status, logs), for its event stream. */
  notify: (runId: string) => void;
  /** Called after every reconcile of a run with how long it took (ms), for benchmarks and metrics. */
  onReconcile?: (runId: string, durationMs: number) => void;
}) {
  const { prisma } = deps;
  // Writes are counted so a pass can tell whether to read a run again (reads are the
  // engine's main cost); counting across runs only ever causes an extra read.
  let writes = 0;
  const counted =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      writes += 1;
      return write(...args);
    };
  const runs: RunsRepo = {
    ...deps.runs,
    setRun: counted(deps.runs.setRun),
    setJob: counted(deps.runs.setJob),
    setStep: counted(deps.runs.setStep),
    addJobs: counted(deps.runs.addJobs),
    event: counted(deps.runs.event),
  };
  const logs = createLogArchiver({ runs: deps.runs, logger: deps.logger, notify: deps.notify });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  const inProgress = new Map<string, Promise<void>>();
  const rerun = new Set<string>();
  /** Watches of the clusters with active runs (Kubernetes: Jobs and pods), by cluster id and version. */
  const watches = new Map<string, () => void>();
  const watchedThisPass = new Set<string>();

  async function loadContext(run: RunWithJobs): Promise<RunContextRow> {
    const [environment, project] = await Promise.all([
      run.environmentId
        ? prisma.environment.findUnique({ where: { id: run.environmentId }, include: { cluster: true } })
        : null,
      prisma.project.findUnique({
        where: { id: run.pipeline.projectId },
        include: { workspace: { select: { slug: true } } },
      }),
    ]);
    if (!project) throw new Error(`run ${run.id}: its project is gone`);
    const secrets = run.secretValues
      ? (JSON.parse(deps.secrets.decrypt(run.secretValues)) as Record<string, string>)
      : {};
    const spec = parseRunSpec(run.spec);
    const parameters = { ...(run.parameters as Record<string, unknown>), ...secrets };
    const planContext: PlanContext = {
      releaseType: run.releaseType,
      environment: run.environmentName,
      ...refVariables(run.ref),
      parameters,
      runNumber: run.number,
      runId: run.id,
      sha: run.commitSha ?? '',
      namespace: environment?.namespace ?? '',
      project: project.slug,
      workspace: project.workspace.slug,
      secretParameters: Object.keys(secrets),
    };
    const plan = planRun(spec, planContext);
    const executor = deps.executorFor(environment);
    if (environment?.cluster && executor.watch) {
      // One watch per cluster (a changed cluster row gets a new executor, so a new watch).
      const key = `${environment.cluster.id}@${environment.cluster.updatedAt.getTime()}`;
      watchedThisPass.add(key);
      if (!watches.has(key))
        watches.set(
          key,
          executor.watch((runId) => wake(runId)),
        );
    }
    const credentials = await deps.resolveCredentials(
      project.workspaceId,
      credentialsOfRun(plan, project.gitCredential),
    );
    return {
      run,
      executor,
      namespace: environment?.namespace ?? 'default',
      project: {
        slug: project.slug,
        repoUrl: project.repoUrl,
        workspaceSlug: project.workspace.slug,
        gitCredential: project.gitCredential,
      },
      secrets,
      credentials,
      plan,
      variables: variableEnv(spec, planContext),
    };
  }

  const refOf = (ctx: RunContextRow, job: JobRunRow): JobRef => ({
    externalName: job.externalName ?? externalNameOf(ctx.run.id, job.stage, job.name, job.attempt),
    namespace: ctx.namespace,
  });

  function dispatchOf(ctx: RunContextRow, job: JobRunRow, planned: PlannedJob): JobDispatch {
    const { run } = ctx;
    // The run's variables (the same values `${{ }}` gives) plus where the step runs.
    const env: Record<string, string> = {
      CI: 'true',
      SLIPWAY: 'true',
      ...ctx.variables,
      SLIPWAY_PIPELINE: run.pipeline.name,
      SLIPWAY_JOB: job.name,
      SLIPWAY_STAGE: job.stage,
    };
    const secretEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.secrets)) secretEnv[secretEnvName(name)] = value;
    for (const name of planned.credentials) {
      const credential = ctx.credentials.get(name);
      if (!credential) continue;
      const env = credentialEnvNames(name);
      secretEnv[env.secret] = credential.secret;
      if (credential.username) secretEnv[env.username] = credential.username;
    }
    const git = ctx.project.gitCredential ? ctx.credentials.get(ctx.project.gitCredential) : undefined;
    const registryConfigs: Record<string, string> = {};
    for (const name of credentialsOfJob(planned)) {
      const credential = ctx.credentials.get(name);
      if (credential?.type === 'registry') registryConfigs[name] = dockerConfigOf(credential);
    }
    return {
      externalName: refOf(ctx, job).externalName,
      labels: {
        workspace: ctx.project.workspaceSlug,
        project: ctx.project.slug,
        pipeline: run.pipeline.name,
        runId: run.id,
        runNumber: run.number,
        job: job.name,
        stage: job.stage,
        attempt: job.attempt,
      },
      namespace: ctx.namespace,
      repository: ctx.project.repoUrl
        ? { url: ctx.project.repoUrl, ref: parseRunRef(run.ref).name, commit: run.commitSha ?? undefined }
        : null,
      steps: planned.steps,
      env,
      secretEnv,
      gitAuth: git ? { username: git.username ?? 'git', password: git.secret } : undefined,
      registryConfigs,
      timeoutSeconds: planned.timeoutSeconds,
      resources: planned.resources,
    };
  }

  async function endSteps(runId: string, job: JobRunRow, status: 'cancelled' | 'skipped' | 'failed') {
    for (const step of job.steps) {
      if (finished(step.status)) continue;
      const neverStarted = step.startedAt === null;
      await runs.setStep(runId, job, step.id, {
        status: endStatus(step.status, neverStarted, status),
        finishedAt: neverStarted ? null : new Date(),
        // A step that never started has no log to archive.
        ...(neverStarted ? { logComplete: true } : {}),
      });
      if (!neverStarted) logs.stepEnded(step.id);
    }
  }

  async function observeJob(ctx: RunContextRow, job: JobRunRow, planned: PlannedJob | undefined) {
    const { run, executor } = ctx;
    const ref = refOf(ctx, job);
    const observed = await executor.observe(ref, job.steps.length);
    if (observed.state === 'missing') {
      // Marked running, but the executor has nothing: the start was lost in a crash. Start
      // it again (same name: a start that did get through is adopted).
      if (planned) await executor.start(dispatchOf(ctx, job, planned));
      return;
    }
    for (const [index, step] of job.steps.entries()) {
      const seen = observed.steps[index];
      if (!seen) continue;
      if (seen.status !== step.status || (seen.result && seen.result !== step.result)) {
        await runs.setStep(run.id, job, step.id, {
          status: seen.status,
          exitCode: seen.exitCode ?? null,
          result: seen.result ?? null,
          startedAt: seen.startedAt ?? step.startedAt,
          finishedAt: seen.finishedAt ?? (finished(seen.status) ? new Date() : null),
          ...(seen.status === 'skipped' ? { logComplete: true } : {}),
        });
        if (step.name === CHECKOUT_STEP && seen.result && !run.commitSha) {
          await runs.setRun(run.id, { commitSha: seen.result.slice(0, 64) });
        }
      }
      if (finished(seen.status)) logs.stepEnded(step.id);
    }
    const timeout = planned?.timeoutSeconds;
    if (
      observed.state === 'running' &&
      timeout &&
      job.startedAt &&
      Date.now() - job.startedAt.getTime() > timeout * 1000
    ) {
      await executor.stop(ref);
      const current = await prisma.jobRun.findUniqueOrThrow({
        where: { id: job.id },
        include: { steps: true, decisions: true },
      });
      await endSteps(run.id, current, 'failed');
      await finishJob(ctx, job, planned, 'failed', `timed out after ${timeout}s`);
      return;
    }
    if (observed.state === 'succeeded') await finishJob(ctx, job, planned, 'succeeded', null);
    if (observed.state === 'failed') {
      const current = await prisma.jobRun.findUniqueOrThrow({
        where: { id: job.id },
        include: { steps: true, decisions: true },
      });
      await endSteps(run.id, current, 'skipped');
      await finishJob(ctx, job, planned, 'failed', observed.message ?? 'failed');
    }
  }

  async function finishJob(
    ctx: RunContextRow,
    job: JobRunRow,
    planned: PlannedJob | undefined,
    status: 'succeeded' | 'failed',
    message: string | null,
  ) {
    await runs.setJob(ctx.run.id, job.id, { status, message, finishedAt: new Date() });
    if (status === 'failed' && planned && job.attempt <= planned.retries && !ctx.run.cancelRequested) {
      await runs.addJobs(
        ctx.run.id,
        [
          {
            stage: job.stage,
            stageIndex: job.stageIndex,
            name: job.name,
            kind: 'job',
            attempt: job.attempt + 1,
            status: 'pending',
            steps: job.steps.map((s) => ({ name: s.name, status: 'pending' })),
          },
        ],
        prisma,
      );
      await runs.event(prisma, ctx.run.id, 'job', {
        stage: job.stage,
        name: job.name,
        attempt: job.attempt + 1,
        status: 'pending',
        message: `retry ${job.attempt} of ${planned.retries}`,
      });
    }
  }

  async function decideGate(ctx: RunContextRow, job: JobRunRow, planned: PlannedJob | undefined) {
    const rejected = job.decisions.find((d) => d.decision === 'reject');
    const approvals = job.decisions.filter((d) => d.decision === 'approve').length;
    if (rejected) {
      await runs.setJob(ctx.run.id, job.id, {
        status: 'rejected',
        message: `rejected by ${rejected.userName}${rejected.comment ? `: ${rejected.comment}` : ''}`,
        finishedAt: new Date(),
      });
    } else if (approvals >= (planned?.approval?.count ?? 1)) {
      await runs.setJob(ctx.run.id, job.id, {
        status: 'succeeded',
        message: `approved by ${job.decisions.map((d) => d.userName).join(', ')}`,
        finishedAt: new Date(),
      });
    }
  }

  function ensurePumps(ctx: RunContextRow) {
    logs.ensure({
      runId: ctx.run.id,
      jobs: ctx.run.jobs,
      executor: ctx.executor,
      refOf: (job) => refOf(ctx, job),
      secrets: secretsOfRun(ctx.secrets, ctx.credentials.values()),
    });
  }

  /** Finished jobs whose logs are all archived: their executor may clean up now. */
  async function releaseArchivedJobs() {
    const jobs = await prisma.jobRun.findMany({
      where: {
        executor: { not: null },
        releasedAt: null,
        status: { in: [...FINISHED_STATUSES] },
        steps: { none: { logComplete: false } },
      },
      include: { steps: true, decisions: true, run: { include: runInclude } },
      take: 50,
    });
    for (const job of jobs) {
      try {
        const ctx = await loadContext(job.run);
        await ctx.executor.release(refOf(ctx, job));
        await prisma.jobRun.update({ where: { id: job.id }, data: { releasedAt: new Date() } });
      } catch (error) {
        deps.logger?.warn({ err: error, job: job.id }, 'could not release a finished job; will retry');
      }
    }
  }

  async function reconcileRun(runId: string): Promise<void> {
    let run = await runs.findById(runId);
    if (!run || finished(run.status)) return;
    const ctx = await loadContext(run);
    const plannedOf = (job: JobRunRow) => ctx.plan.find((p) => p.stage === job.stage && p.name === job.name);
    const writesBefore = writes;
    if (run.status === 'queued') await runs.setRun(run.id, { status: 'running', startedAt: new Date() });

    if (run.cancelRequested) {
      for (const job of latestAttempts(run.jobs)) {
        if (finished(job.status)) continue;
        if (job.status === 'running') await ctx.executor.stop(refOf(ctx, job));
        await endSteps(run.id, job, 'cancelled');
        await runs.setJob(run.id, job.id, { status: 'cancelled', finishedAt: new Date() });
      }
      await runs.setRun(run.id, { status: 'cancelled', finishedAt: new Date() });
      return;
    }

    for (const job of latestAttempts(run.jobs)) {
      if (job.status === 'running' && job.kind === 'job') await observeJob(ctx, job, plannedOf(job));
      if (job.status === 'waiting' && job.kind === 'approval') await decideGate(ctx, job, plannedOf(job));
    }

    if (writes !== writesBefore) run = (await runs.findById(runId)) ?? run;
    ctx.run = run;
    const jobs = latestAttempts(run.jobs);
    // A rejected gate ends the run as `rejected` (its message says by whom and why).
    const failed = jobs.find((j) => j.status === 'failed' || j.status === 'rejected');
    const active = jobs.filter((j) => j.status === 'running' || j.status === 'waiting');
    if (failed) {
      for (const job of jobs.filter((j) => j.status === 'pending')) {
        await endSteps(run.id, job, 'skipped');
        await runs.setJob(run.id, job.id, { status: 'skipped' });
      }
      if (active.length === 0) {
        await runs.setRun(run.id, {
          status: failed.status === 'rejected' ? 'rejected' : 'failed',
          finishedAt: new Date(),
          message: `${failed.stage} / ${failed.name}: ${failed.message ?? 'failed'}`,
        });
      }
    } else {
      const open = jobs.filter((j) => !finished(j.status));
      if (open.length === 0) {
        await runs.setRun(run.id, { status: 'succeeded', finishedAt: new Date() });
      } else {
        const stageIndex = Math.min(...open.map((j) => j.stageIndex));
        for (const job of open.filter((j) => j.stageIndex === stageIndex && j.status === 'pending')) {
          if (job.kind === 'approval') {
            await runs.setJob(run.id, job.id, { status: 'waiting', startedAt: new Date() });
            continue;
          }
          const planned = plannedOf(job);
          if (!planned) continue;
          const dispatch = dispatchOf(ctx, job, planned);
          // Recorded first: after a crash the next pass finds it marked and adopts or re-starts it.
          await runs.setJob(run.id, job.id, {
            status: 'running',
            executor: ctx.executor.kind,
            externalName: dispatch.externalName,
            startedAt: new Date(),
          });
          await ctx.executor.start(dispatch);
        }
        const now = writes !== writesBefore ? await runs.findById(runId) : run;
        const nowJobs = latestAttempts(now?.jobs ?? []);
        const status = nowJobs.some((j) => j.status === 'running')
          ? 'running'
          : nowJobs.some((j) => j.status === 'waiting')
            ? 'waiting'
            : 'running';
        if (now && now.status !== status) await runs.setRun(run.id, { status });
      }
    }
    const latest = writes !== writesBefore ? await runs.findById(runId) : run;
    if (latest) {
      ctx.run = latest;
      ensurePumps(ctx);
    }
  }

  /** Runs `work` over `items`, at most `limit` at a time. */
  async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    });
    await Promise.all(lanes);
  }

  async function reconcileLogged(id: string) {
    const startedAt = performance.now();
    try {
      await reconcileRun(id);
    } catch (error) {
      deps.logger?.error({ err: error, run: id }, 'reconciling a run failed; will retry');
    }
    deps.onReconcile?.(id, performance.now() - startedAt);
    deps.notify(id);
  }

  /**
   * Reconciles one run now, never twice at the same time: a request during a reconcile
   * makes it go once more afterwards (something may have changed meanwhile).
   */
  function reconcileNow(id: string): Promise<void> {
    const current = inProgress.get(id);
    if (current) {
      rerun.add(id);
      return current;
    }
    const work = (async () => {
      do {
        rerun.delete(id);
        await reconcileLogged(id);
      } while (rerun.has(id) && !stopped);
    })().finally(() => inProgress.delete(id));
    inProgress.set(id, work);
    return work;
  }

  /**
   * A pass looks at every active run (and at logs still to archive). Between passes, runs
   * something happened to (a request, a watch event) are reconciled at once (`wake`).
   */
  let sweptSecrets = false;
  async function pass(): Promise<void> {
    watchedThisPass.clear();
    const ids = await runs.activeRunIds();
    await forEachLimited(ids, RUN_CONCURRENCY, reconcileNow);
    for (const [environmentId, stopWatch] of watches) {
      if (!watchedThisPass.has(environmentId)) {
        stopWatch();
        watches.delete(environmentId);
      }
    }
    await releaseArchivedJobs();
    // Secret values stay until every log of a run is archived; runs end and logs settle
    // with the value dropped there. Once per engine start, sweep what a crash left between.
    if (!sweptSecrets) {
      await runs.dropSecretsIfSettled();
      sweptSecrets = true;
    }
    // Runs that ended still may have logs to archive.
    const unarchived = await prisma.stepRun.findMany({
      where: {
        logComplete: false,
        status: { notIn: ['pending'] },
        jobRun: { executor: { not: null }, run: { status: { notIn: [...ACTIVE_RUN_STATUSES] } } },
      },
      select: { jobRun: { select: { runId: true } } },
      distinct: ['jobRunId'],
      take: 50,
    });
    for (const runId of new Set(unarchived.map((s) => s.jobRun.runId))) {
      const run = await runs.findById(runId);
      if (!run) continue;
      try {
        const ctx = await loadContext(run);
        ensurePumps(ctx);
      } catch (error) {
        deps.logger?.warn({ err: error, run: runId }, 'could not resume log archiving');
      }
    }
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delay);
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((error: unknown) => deps.logger?.error({ err: error }, 'reconciler pass failed'))
      .finally(() => {
        running = undefined;
        schedule(again ? 0 : TICK_MS);
        again = false;
      });
    await running;
  }

  /** Something happened to a run (or, without an id, to anything): look now. */
  function wake(runId?: string) {
    if (stopped) return;
    if (runId) void reconcileNow(runId);
    else if (running) again = true;
    else schedule(0);
  }

  return {
    start() {
      stopped = false;
      logs.start();
      schedule(0);
    },
    wake,
    /** One pass, for tests. */
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const stopWatch of watches.values()) stopWatch();
      watches.clear();
      const pumpsStopped = logs.stop();
      await running;
      await Promise.allSettled([...inProgress.values()]);
      await pumpsStopped;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

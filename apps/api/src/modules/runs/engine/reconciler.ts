import { randomUUID } from 'node:crypto';
import { FINISHED_STATUSES } from '@slipway/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { SecretBox } from '../../../lib/secret-box.ts';
import type { ClusterCredentials } from '../../clusters/cluster-clients.ts';
import type { RunMetrics } from '../../metrics/metrics.ts';
import type { JobRunRow, RunsRepo, RunWithJobs } from '../runs.repo.ts';
import type { Executor } from './executor.ts';
import { readySince } from './job-ready.ts';
import type { KubeExecutors } from './kube-executors.ts';
import { createLogArchiver } from './log-archiver.ts';
import { secretsOfRun } from './log-masking.ts';
import { createRunContexts, dispatchOf, type RunContext, refOf, TerminalError } from './run-context.ts';
import type { CredentialResolver } from './run-credentials.ts';
import {
  hasPlayableJob,
  logsSettled,
  type Observed,
  reopensForPlayedJob,
  type Transition,
  terminate,
  transition,
} from './run-transitions.ts';
import { createWorkQueue, type WorkResult } from './work-queue.ts';

const finished = (status: string) => FINISHED_STATUSES.includes(status);
/** Runs reconciled at the same time. */
const CONCURRENCY = 8;
/** The safety-net resync of active runs (a missed watch event costs at most this), ms. */
const RESYNC_MS = 30_000;
/** How soon a run with a job on an executor without a watch (local) is looked at again, ms. */
const POLL_MS = 1_000;
/** How soon a run is looked at again after one of its log pumps ended, ms. */
const PUMP_RESUME_MS = 500;

/**
 * The run engine, a controller in controller-runtime's shape: run ids are queued (API
 * requests, executor watch events, requeue-after timers, a slow resync while runs are
 * active) and reconciled by a few workers, never one run twice at once. A reconcile loads
 * the run once, observes its running jobs, computes every change with the pure
 * `transition`, stores them in one statement, then acts (starts, stops, releases). A job is
 * stored as running (with its executor, name, cluster and namespace) before it is started,
 * and every name is deterministic, so a reconcile repeated after a crash adopts what exists.
 */
export function createReconciler(deps: {
  runs: RunsRepo;
  secrets: SecretBox;
  /** The credentials a run uses, decrypted at dispatch. */
  resolveCredentials: CredentialResolver;
  localExecutor: Executor;
  kubeExecutors: KubeExecutors;
  /**
   * Jobs with restore/upload steps (modules/job-files): the token of a job attempt, and the
   * API URL Kubernetes jobs call (SLIPWAY_JOB_API_URL, else SLIPWAY_PUBLIC_URL; none: such a
   * job fails at dispatch, naming the setting).
   */
  jobFiles?: { tokenOf(jobRunId: string): string; kubeApiUrl: string | undefined } | undefined;
  /** Executes jobs of kind `deploy` (modules/releases); without it they wait. */
  deployExecutor?: Executor | undefined;
  logger?: FastifyBaseLogger | undefined;
  /** Called after anything of a run changed (status, logs), for its event stream. */
  notify: (runId: string) => void;
  /** Called after every reconcile with its duration (benchmarks, metrics). */
  onReconcile?: (runId: string, durationMs: number) => void;
  /** Told about runs started and finished, jobs dispatched and log bytes archived. */
  metrics?: RunMetrics | undefined;
  resyncMs?: number;
}) {
  const { runs } = deps;
  const contexts = createRunContexts(deps);
  const logs = createLogArchiver({
    runs,
    logger: deps.logger,
    notify: deps.notify,
    onArchived: (bytes) => deps.metrics?.logArchived(bytes),
    // A settled log may let the run's jobs be released; a broken stream resumes at a next look.
    onPumpEnded: (runId) => started && queue.addAfter(runId, PUMP_RESUME_MS),
  });
  const queue = createWorkQueue({
    concurrency: CONCURRENCY,
    process: timed,
    onError: (runId, error, retryInMs) =>
      deps.logger?.error({ err: error, run: runId, retryInMs }, 'reconciling a run failed; will retry'),
  });
  let started = false;
  /** Runs last seen active: the resync runs only while there are some. */
  const active = new Set<string>();
  let resync: NodeJS.Timeout | undefined;
  /** Watches of the executors in use, by executor. */
  const watches = new Map<Executor, () => void>();

  /** The executor a job was dispatched to, or why there is none any more. */
  function executorOf(
    job: JobRunRow,
    clusters: ReadonlyMap<string, ClusterCredentials | null>,
    /** Jobs dispatched before clusters were recorded (no namespace either): the run's. */
    legacyClusterId?: string | null,
  ) {
    if (job.executor === 'local') return deps.localExecutor;
    if (job.executor === 'deploy') {
      if (!deps.deployExecutor) return 'no deploy executor in this server';
      const executor = deps.deployExecutor;
      if (started && executor.watch && !watches.has(executor)) watches.set(executor, executor.watch(wake));
      return executor;
    }
    const clusterId = job.clusterId ?? (job.namespace === null ? legacyClusterId : null);
    const cluster = clusterId ? clusters.get(clusterId) : undefined;
    if (!cluster) {
      return `the cluster this job was dispatched to (${job.clusterId ?? 'not recorded'}) was deleted`;
    }
    const executor = deps.kubeExecutors.forCluster(cluster);
    if (started && executor.watch && !watches.has(executor)) watches.set(executor, executor.watch(wake));
    return executor;
  }

  async function observe(ctx: RunContext, run: RunWithJobs) {
    const observed = new Map<string, Observed>();
    let unwatched = false;
    await Promise.all(
      run.jobs.map(async (job) => {
        if (job.status !== 'running' || job.kind === 'approval' || !job.executor) return;
        const executor = executorOf(job, ctx.clusters, ctx.target.clusterId);
        if (typeof executor === 'string') {
          observed.set(job.id, { state: 'gone', message: executor });
          return;
        }
        unwatched ||= !executor.watch;
        observed.set(job.id, await executor.observe(refOf(ctx, run, job), job.steps.length));
      }),
    );
    return { observed, pollMs: unwatched ? POLL_MS : undefined };
  }

  /** Takes the transition's actions (after its changes are stored). */
  async function act(ctx: RunContext, run: RunWithJobs, changes: Transition) {
    const released: string[] = [];
    for (const action of changes.actions) {
      if (action.type === 'stepEnded') {
        logs.stepEnded(action.stepId);
        continue;
      }
      const executor = executorOf(action.job, ctx.clusters, ctx.target.clusterId);
      if (typeof executor === 'string') continue;
      const ref = refOf(ctx, run, action.job);
      if (action.type === 'start') {
        const transfer = deps.jobFiles && {
          token: deps.jobFiles.tokenOf(action.job.id),
          apiUrl: executor.kind === 'kubernetes' ? deps.jobFiles.kubeApiUrl : undefined,
        };
        await executor.start(dispatchOf(ctx, run, action.job, action.planned, transfer));
        const ready = readySince(changes.next.jobs, action.job);
        deps.metrics?.jobDispatched(executor.kind, (Date.now() - ready.getTime()) / 1000);
      }
      if (action.type === 'stop') await executor.stop(ref);
      if (action.type === 'release') {
        await executor
          .release(ref)
          .then(() => released.push(action.job.id))
          .catch((error: unknown) =>
            deps.logger?.warn({ err: error, job: action.job.id }, 'could not release a finished job'),
          );
      }
    }
    await runs.markReleased(released);
  }

  async function reconcile(runId: string): Promise<WorkResult> {
    const began = Date.now();
    const run = await runs.findById(runId);
    if (!run || (finished(run.status) && settled(run) && !reopensForPlayedJob(run))) {
      contexts.drop(runId);
      active.delete(runId);
      return {};
    }
    let ctx: RunContext;
    try {
      ctx = await contexts.get(run);
    } catch (error) {
      if (!(error instanceof TerminalError)) throw error;
      if (!finished(run.status) || reopensForPlayedJob(run)) await failRun(run, error.message);
      active.delete(runId);
      return {};
    }
    const observation = await observe(ctx, run);
    const { observed } = observation;
    // A job dispatched now to an executor without a watch is looked at again soon, too.
    const targetWatches = ctx.target.executor === 'kubernetes' || deps.localExecutor.watch !== undefined;
    const pollMs = observation.pollMs ?? (targetWatches ? undefined : POLL_MS);
    const input = { run, plan: ctx.plan, observed, now: new Date(), newId: randomUUID, pollMs };
    let changes = transition({ ...input, target: ctx.target });
    const before = new Map(run.jobs.map((job) => [job.id, job.status]));
    // The jobs going out now: when they cannot, they are what failed (not skipped).
    const outgoing = () =>
      new Set(
        changes.actions.flatMap((a) =>
          a.type === 'start' && before.get(a.job.id) !== 'running' ? [a.job.id] : [],
        ),
      );
    const dispatching = outgoing().size > 0;
    if (dispatching && ctx.builtAt < began) {
      // A job goes out: to where the environment points now, with the credentials as they are now.
      try {
        ctx = await contexts.get(run, { fresh: true });
      } catch (error) {
        if (!(error instanceof TerminalError)) throw error;
        await failRun(run, error.message, outgoing());
        return {};
      }
      changes = transition({ ...input, plan: ctx.plan, target: ctx.target });
    }
    if (dispatching && ctx.target.gone) {
      await failRun(run, ctx.target.gone, outgoing());
      return {};
    }
    const unreachable = dispatching ? apiUnreachable(changes) : undefined;
    if (unreachable) {
      await failRun(run, unreachable, outgoing());
      return {};
    }
    await runs.apply(run.id, changes);
    countRun(run, changes.next.status);
    if (changes.events.length > 0) deps.notify(run.id);
    try {
      await act(ctx, run, changes);
    } catch (error) {
      // An executor that cannot start a job for a reason no retry cures (a full disk).
      if (!(error instanceof TerminalError)) throw error;
      const current = await runs.findById(run.id);
      if (current) await failRun(current, error.message, outgoing());
      active.delete(runId);
      return {};
    }
    const next = changes.next;
    // Logs are archived by the leader only (a settle elsewhere must not pump them twice).
    if (started) ensurePumps(ctx, next);
    if (finished(next.status)) active.delete(runId);
    else active.add(runId);
    // Its jobs were just released (act) and nothing asks for this run again: forget its
    // context now, or it stays in memory for the life of the process (found by the soak).
    // A later look (a manual job played, a release to retry) builds it again.
    if (finished(next.status) && logsSettled(next) && !hasPlayableJob(next)) contexts.drop(runId);
    armResync();
    return { requeueAfterMs: changes.requeueAfterMs };
  }

  /**
   * Why a Kubernetes job about to start could not reach the API from its restore/upload
   * steps (no SLIPWAY_JOB_API_URL nor SLIPWAY_PUBLIC_URL), or undefined.
   */
  function apiUnreachable(changes: { actions: Transition['actions'] }): string | undefined {
    if (deps.jobFiles?.kubeApiUrl) return undefined;
    for (const action of changes.actions) {
      if (action.type !== 'start' || action.job.executor !== 'kubernetes') continue;
      if (action.planned.steps.some((step) => step.transfer)) {
        return `${action.job.stage} / ${action.job.name}: its artifacts, reports or cache travel through the API, and the Kubernetes jobs do not know its address: set SLIPWAY_JOB_API_URL (or SLIPWAY_PUBLIC_URL)`;
      }
    }
    return undefined;
  }

  function ensurePumps(ctx: RunContext, next: RunWithJobs) {
    const executors = new Map<string, Executor>();
    for (const job of next.jobs) {
      const executor = job.executor ? executorOf(job, ctx.clusters, ctx.target.clusterId) : undefined;
      // A job whose cluster is gone has no log left to read.
      if (executor && typeof executor !== 'string') executors.set(job.id, executor);
    }
    logs.ensure({
      runId: next.id,
      jobs: next.jobs.filter((job) => executors.has(job.id)),
      executorOf: (job) => executors.get(job.id) as Executor,
      refOf: (job) => refOf(ctx, next, job),
      secrets: [
        ...secretsOfRun(ctx.secrets, ctx.credentials.values()),
        // Job tokens never reach a log: only the restore/upload steps have them.
        ...next.jobs.flatMap((j) => (j.executor && deps.jobFiles ? [deps.jobFiles.tokenOf(j.id)] : [])),
      ],
    });
  }

  /**
   * A run that cannot go on fails once, with the reason as its message (and as the message of
   * `failedJobIds`, the jobs that could not go on: they end failed, the other open ones skipped).
   */
  async function failRun(run: RunWithJobs, reason: string, failedJobIds?: ReadonlySet<string>) {
    const changes = terminate(run, reason, new Date(), failedJobIds);
    await runs.apply(run.id, changes);
    countRun(run, changes.next.status);
    deps.notify(run.id);
    contexts.drop(run.id);
    const clusters = new Map((await runs.clustersByIds(clusterIdsOf(run))).map((c) => [c.id, c]));
    for (const action of changes.actions) {
      if (action.type !== 'stop') continue;
      const executor = executorOf(action.job, clusters);
      const namespace = action.job.namespace ?? 'default';
      if (typeof executor !== 'string' && action.job.externalName) {
        await executor.stop({ externalName: action.job.externalName, namespace }).catch(() => undefined);
      }
    }
    deps.logger?.warn({ run: run.id, reason }, 'a run failed: it cannot go on');
  }

  async function timed(runId: string): Promise<WorkResult> {
    const startedAt = performance.now();
    try {
      const result = await reconcile(runId);
      return started ? result : {};
    } catch (error) {
      // Not leading: no retries here (the leader reconciles the run too).
      if (started) throw error;
      deps.logger?.warn({ err: error, run: runId }, 'reconciling a run failed');
      return {};
    } finally {
      deps.onReconcile?.(runId, performance.now() - startedAt);
    }
  }

  /** Counts a run that left `queued` or ended with the changes just stored. */
  function countRun(before: RunWithJobs, status: string) {
    if (before.status === 'queued' && status !== 'queued') deps.metrics?.runStarted(before.trigger);
    if (!finished(before.status) && finished(status)) deps.metrics?.runFinished(status);
  }

  /** A safety net while runs are active (a watch event lost); no timer with none active. */
  function armResync() {
    if (!started || active.size === 0) {
      clearTimeout(resync);
      resync = undefined;
      return;
    }
    if (resync) return;
    resync = setTimeout(() => {
      resync = undefined;
      void runs
        .activeRunIds()
        .then((ids) => {
          active.clear();
          for (const id of ids) {
            active.add(id);
            queue.add(id);
          }
          armResync();
        })
        .catch((error: unknown) => deps.logger?.warn({ err: error }, 'resync failed'));
    }, deps.resyncMs ?? RESYNC_MS);
    resync.unref?.();
  }

  /** Something happened to a run: reconcile it soon (only while this replica leads). */
  function wake(runId?: string) {
    if (!started) return;
    if (runId) queue.add(runId);
    else void loadAll();
  }

  /** Every run with something left to do: active ones, ended ones with logs or releases left. */
  async function loadAll() {
    const [ids, ended] = await Promise.all([runs.activeRunIds(), runs.unsettledEndedRunIds()]);
    for (const id of [...ids, ...ended]) queue.add(id);
  }

  return {
    start() {
      if (started) return;
      started = true;
      // Runs settled here while not leading are not known to be active (slipway_runs_active).
      active.clear();
      queue.restart();
      logs.start();
      // Secret values stay until every log of a run is archived; once per start, sweep what
      // a crash left between a run's end and its last log.
      void loadAll()
        .then(() => runs.dropSecretsIfSettled())
        .catch((error: unknown) => deps.logger?.error({ err: error }, 'loading the active runs failed'));
    },
    wake,
    /** Runs whose context (plan, credentials, clusters) this engine holds in memory: the active ones. */
    contextsHeld: (): number => contexts.size(),
    /** Runs not finished, as last seen by this engine while it leads (0 when it does not). */
    activeRuns: (): number => (started ? active.size : 0),
    /**
     * Reconciles the run now through the queue (never at the same time as another reconcile
     * of it) and resolves when that reconcile has ended; works whether or not this leads.
     */
    settle(runId: string): Promise<void> {
      return queue.addAndWait(runId);
    },
    async stop() {
      started = false;
      clearTimeout(resync);
      resync = undefined;
      active.clear();
      for (const stopWatch of watches.values()) stopWatch();
      watches.clear();
      const pumpsStopped = logs.stop();
      await queue.shutdown();
      queue.restart();
      await pumpsStopped;
    },
  };
}

/**
 * Whether nothing is left to do for an ended run: every log archived, every job released
 * (secret values gone, or kept for a manual job that may still be played).
 */
function settled(run: RunWithJobs): boolean {
  return (
    logsSettled(run) &&
    (run.secretValues === null || hasPlayableJob(run)) &&
    run.jobs.every((job) => !job.executor || job.releasedAt !== null || job.reusedFrom !== null)
  );
}

function clusterIdsOf(run: RunWithJobs): string[] {
  return [...new Set(run.jobs.flatMap((job) => (job.clusterId ? [job.clusterId] : [])))];
}

export type Reconciler = ReturnType<typeof createReconciler>;

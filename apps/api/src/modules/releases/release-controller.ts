import { deployerUser, type KubeClient, KubeError, type KubernetesObject } from '@slipway/kube';
import type { FastifyBaseLogger } from 'fastify';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import { storedFreezeWindows } from '../environments/freeze-windows.ts';
import { ensureDeployer, ensureNamespace } from '../environments/namespaces.ts';
import type { Notify } from '../notifications/notify.ts';
import { createWorkQueue, type WorkResult } from '../runs/engine/work-queue.ts';
import type { ConfigGc } from './config-gc.ts';
import { releaseHold } from './release-hold.ts';
import { configMapOf, refText } from './release-labels.ts';
import { objectRef, pruneObjects } from './release-prune.ts';
import { autoRollbackStep, rollbackInsert, SYSTEM_ACTOR } from './release-rollback.ts';
import { observeRollout } from './release-rollout.ts';
import {
  type ReleaseObservation,
  type ReleasePhase,
  type ReleaseStep,
  releaseStep,
  replacedStatus,
} from './release-transitions.ts';
import type { ReleaseRow, ReleasesRepo } from './releases.repo.ts';

/** Releases deployed at the same time. */
const CONCURRENCY = 4;
/**
 * How often the leader looks for deploying releases it was not told about (a rollback
 * requested through another replica), ms.
 */
const RESYNC_MS = 10_000;
/** The longest a timer can wait (setTimeout's limit, ~24.8 days); a longer freeze re-arms it. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A 5xx (or no answer) from the cluster is retried; anything else is the cluster's refusal. */
const UNREACHABLE = new Set([502, 504]);

/**
 * The release controller (leader only), in the run engine's shape: release ids are queued
 * (a deploy job started, a rollback, requeue-after timers while a rollout is followed, all
 * deploying releases when leadership starts) and reconciled one at a time per release. A
 * reconcile reads the release from Postgres, looks at the cluster for its phase
 * (`pending`: ensure the deployer → dry run every object as the deployer → ConfigMaps →
 * apply; `applied`: the rollout), decides with the pure `releaseStep`, stores the step in
 * one transaction. Applying is idempotent (server-side apply, ConfigMaps created once), so a
 * reconcile repeated after a crash resumes where the stored phase says.
 */
export function createReleaseController(deps: {
  releases: ReleasesRepo;
  clients: ClusterClients;
  logger?: FastifyBaseLogger | undefined;
  /** A release changed (status, log): the run engine looks at its run's deploy job. */
  onChange?: (release: { id: string; runId: string | null }) => void;
  /** Collects ConfigMaps after every finished release and every 10 minutes (leader only). */
  gc?: ConfigGc | undefined;
  /** Told `release.rolled-back` when a failed rollout is rolled back automatically. */
  notify?: Notify | undefined;
}) {
  const { releases } = deps;
  /** Lines logged per release (unchanged rollout progress is not logged again). */
  const logged = new Map<string, Set<string>>();
  /** Unreachable looks in a row per release (back-off). */
  const unreachable = new Map<string, number>();
  /** Per environment held by a freeze window: the timer that admits again when it ends. */
  const thaws = new Map<string, NodeJS.Timeout>();
  let started = false;
  let resync: NodeJS.Timeout | undefined;
  const queue = createWorkQueue({
    concurrency: CONCURRENCY,
    process: (id) =>
      reconcile(id).catch((error: unknown) => {
        if (!started) return {};
        throw error;
      }),
    onError: (id, error, retryInMs) =>
      deps.logger?.error({ err: error, release: id, retryInMs }, 'reconciling a release failed; will retry'),
  });

  /**
   * Starts the environment's next queued release if nothing deploys there (one at a time)
   * and no lock or freeze window holds it (`releaseHold`); serialized per environment by the
   * repository's row lock, so replicas never race. While a freeze window holds releases, a
   * timer admits again when it ends (the resync every 10 s covers a wake that was missed).
   */
  function admit(environmentId: string): void {
    if (!started) return;
    const now = new Date();
    let thawAt: Date | undefined;
    releases
      .admitNext(environmentId, (next, environment) => {
        const held = releaseHold({
          environment: {
            name: environment.name,
            locked: environment.locked,
            freezeWindows: storedFreezeWindows(environment.freezeWindows),
          },
          release: next,
          now,
        });
        if (held?.until && (!thawAt || held.until < thawAt)) thawAt = held.until;
        return held?.reason ?? null;
      })
      .then((next) => {
        thawWhen(environmentId, thawAt);
        if (!next) return;
        queue.add(next.id);
        deps.onChange?.({ id: next.id, runId: next.runId });
      })
      .catch((error: unknown) =>
        deps.logger?.error({ err: error, environment: environmentId }, 'starting the next deploy failed'),
      );
  }

  /** Arms (or clears) the environment's timer for the end of the freeze window holding it. */
  function thawWhen(environmentId: string, at: Date | undefined) {
    clearTimeout(thaws.get(environmentId));
    thaws.delete(environmentId);
    if (!at || !started) return;
    const timer = setTimeout(
      () => {
        thaws.delete(environmentId);
        admit(environmentId);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at.getTime() - Date.now()) + 10),
    );
    timer.unref?.();
    thaws.set(environmentId, timer);
  }

  function collect(release: ReleaseRow) {
    deps.gc
      ?.collect({ projectId: release.projectId, environmentId: release.environmentId })
      .catch((error: unknown) => deps.logger?.warn({ err: error }, 'collecting ConfigMaps failed'));
  }

  function forget(id: string) {
    logged.delete(id);
    unreachable.delete(id);
  }

  async function reconcile(id: string): Promise<WorkResult> {
    const release = await releases.findById(id);
    if (release?.status !== 'deploying') {
      forget(id);
      return {};
    }
    const cluster = release.clusterId ? await releases.clusterById(release.clusterId) : null;
    const observation: ReleaseObservation = cluster
      ? await observe(release, deps.clients.clientFor(cluster), cluster.name)
      : { type: 'refused', problems: ['the cluster of its environment was deleted'] };
    const attempt = observation.type === 'unreachable' ? (unreachable.get(id) ?? 0) + 1 : 0;
    if (attempt > 0) unreachable.set(id, attempt);
    else unreachable.delete(id);
    const seen = logged.get(id) ?? new Set<string>();
    const now = new Date();
    const decided = releaseStep({
      release: { ...release, status: 'deploying', phase: release.phase as ReleasePhase },
      observation,
      now,
      previous: seen,
      attempt,
    });
    const { step, rollBackTo } =
      decided.change.status === 'failed' && release.phase === 'applied'
        ? await autoRollback(release, decided)
        : { step: decided, rollBackTo: null };
    let stored: boolean;
    if (rollBackTo) {
      const created = await releases.rollBackAutomatically(
        id,
        step.change,
        step.log,
        release.projectId,
        rollbackInsert({
          target: rollBackTo.live,
          environment: rollBackTo.environment,
          project: release.project.slug,
          trigger: 'auto-rollback',
          requestedBy: { id: null, name: SYSTEM_ACTOR },
          because: `release ${release.number} failed`,
          now,
        }),
      );
      stored = created !== null;
      if (created) {
        void deps.notify?.({
          event: 'release.rolled-back',
          releaseId: id,
          reason: step.change.message ?? undefined,
        });
      }
    } else {
      const replaced = step.change.status === 'succeeded' ? replacedStatus(release) : undefined;
      stored = await releases.step(id, step.change, step.log, replaced);
    }
    for (const line of step.log) seen.add(line);
    logged.set(id, seen);
    if (step.log.length > 0 || step.change.status || stored === false) {
      deps.onChange?.({ id, runId: release.runId });
    }
    if (!stored || step.change.phase === 'done') {
      forget(id);
      if (stored) collect(release);
      if (release.environmentId) admit(release.environmentId);
      return {};
    }
    return { requeueAfterMs: step.requeueAfterMs };
  }

  /**
   * A rollout that failed in an environment whose policy says `autoRollback`: the step that
   * marks it rolled back and the live release to go back to (see `autoRollbackStep`), or the
   * step unchanged.
   */
  async function autoRollback(release: ReleaseRow, step: ReleaseStep) {
    const environment = release.environmentId ? await releases.environmentOf(release.environmentId) : null;
    if (!environment?.autoRollback || !release.environmentId || !release.clusterId) {
      return { step, rollBackTo: null };
    }
    const live = await releases.liveBefore(release.projectId, release.environmentId, release.number);
    const decided = autoRollbackStep(step, release, live);
    if (decided.rollBackTo === null || !live) return { step: decided.step, rollBackTo: null };
    return {
      step: decided.step,
      rollBackTo: {
        live,
        // Back into the namespace the failed release went to.
        environment: { ...environment, namespace: release.namespace, clusterId: release.clusterId },
      },
    };
  }

  /** Looks at the cluster for the release's phase; an unreachable cluster is an observation. */
  async function observe(
    release: ReleaseRow,
    kube: KubeClient,
    clusterName: string,
  ): Promise<ReleaseObservation> {
    try {
      return release.phase === 'pending'
        ? await apply(release, kube, clusterName)
        : await observeRollout(release, kube);
    } catch (error) {
      if (error instanceof KubeError && UNREACHABLE.has(error.statusCode)) {
        return { type: 'unreachable', reason: `${error.message} (${error.statusCode})` };
      }
      if (error instanceof KubeError) return { type: 'refused', problems: [error.message] };
      throw error;
    }
  }

  /** Dry run of everything as the deployer; then the ConfigMaps; then every object. */
  async function apply(
    release: ReleaseRow,
    kube: KubeClient,
    clusterName: string,
  ): Promise<ReleaseObservation> {
    const namespace = release.namespace;
    // The environment's namespace comes back if someone deleted it (Slipway made it with the
    // environment; a namespace of another workspace is still refused).
    await ensureNamespace(kube, {
      namespace,
      workspace: release.project.workspace.slug,
      environment: release.environmentName,
      cluster: clusterName,
    });
    await ensureDeployer(kube, namespace);
    const deployer = kube.impersonating(deployerUser(namespace));
    const objects = release.objects as unknown as KubernetesObject[];
    const problems: string[] = [];
    for (const object of objects) {
      try {
        await deployer.applyObject(object, { dryRun: true, fieldValidation: 'Strict' });
      } catch (error) {
        if (!(error instanceof KubeError) || UNREACHABLE.has(error.statusCode)) throw error;
        problems.push(refusalOf(object, error));
      }
    }
    if (problems.length > 0) return { type: 'refused', problems };
    const data = await releases.configData(release.configs.map((c) => c.configVersionId));
    const configMaps: Array<{ name: string; created: boolean }> = [];
    for (const config of release.configs) {
      const created = await deployer.createConfigMap(
        namespace,
        configMapOf({
          name: config.configMapName,
          set: config.name,
          version: config.version,
          project: release.project.slug,
          release: release.number,
          data: data.get(config.configVersionId) ?? {},
        }),
      );
      configMaps.push({ name: config.configMapName, created });
    }
    const applied: Array<{ ref: string; outcome: 'created' | 'configured' | 'unchanged' }> = [];
    for (const object of objects) {
      const before = await deployer.getObject(objectRef(object, namespace));
      let after: KubernetesObject;
      try {
        after = await deployer.applyObject(object, { fieldValidation: 'Strict' });
      } catch (error) {
        if (!(error instanceof KubeError) || UNREACHABLE.has(error.statusCode)) throw error;
        return { type: 'refused', problems: [refusalOf(object, error)] };
      }
      const outcome = !before
        ? 'created'
        : before.metadata?.resourceVersion === after.metadata?.resourceVersion
          ? 'unchanged'
          : 'configured';
      applied.push({ ref: refText(object), outcome });
    }
    const previous = release.environmentId
      ? ((await releases.pruneSources(
          release.projectId,
          release.environmentId,
          release.number,
        )) as KubernetesObject[])
      : [];
    const pruned = await pruneObjects({
      deployer,
      namespace,
      project: release.project.slug,
      keep: objects,
      previous,
    });
    return { type: 'applied', configMaps, objects: applied, pruned };
  }

  return {
    /** Starts taking releases (leadership gained): every deploying release is resumed. */
    start(): void {
      if (started) return;
      started = true;
      queue.restart();
      deps.gc?.start();
      const loadAll = () =>
        releases
          .deployingIds()
          .then(async (ids) => {
            for (const id of ids) if (!queue.isDelayed(id)) queue.add(id);
            for (const environmentId of await releases.environmentsWithQueue()) admit(environmentId);
          })
          .catch((error: unknown) => deps.logger?.error({ err: error }, 'loading deploying releases failed'));
      void loadAll();
      resync = setInterval(() => void loadAll(), RESYNC_MS);
      resync.unref?.();
    },
    /** A release was created or changed: reconcile it soon (only while leading). */
    wake(releaseId: string): void {
      if (started) queue.add(releaseId);
    },
    /** A release entered the environment's queue (or one left it): start the next if it may. */
    admit,
    /**
     * Releases in each environment's deploy queue (`slipway_deploy_queue_depth`): the leader's
     * to report, so null while this controller is not started.
     */
    queueDepths: async () => (started ? releases.queueDepths() : null),
    /** Reconciles the release now and resolves when that reconcile has ended (tests, the API). */
    settle(releaseId: string): Promise<void> {
      return queue.addAndWait(releaseId);
    },
    /** Stops (leadership lost, shutdown): waits for the reconciles under way. */
    async stop(): Promise<void> {
      started = false;
      clearInterval(resync);
      resync = undefined;
      for (const timer of thaws.values()) clearTimeout(timer);
      thaws.clear();
      await deps.gc?.stop();
      await queue.shutdown();
      queue.restart();
      logged.clear();
      unreachable.clear();
    },
  };
}

export type ReleaseController = ReturnType<typeof createReleaseController>;

/** `Deployment/web: spec.replicas: Invalid value…` (the API server's causes, else its message). */
function refusalOf(object: KubernetesObject, error: KubeError): string {
  const causes = error.causes ?? [];
  const reasons =
    causes.length > 0
      ? causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message))
      : [error.message];
  return `${refText(object)}: ${reasons.join('; ')}`;
}

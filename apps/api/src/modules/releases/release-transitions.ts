import type { ReleaseStatus } from '@slipway/contracts';

/**
 * The release controller's decisions as one pure function (the shape of the run engine's
 * `run-transitions.ts`): given a deploying release as stored and what the controller just
 * observed on the cluster, it returns the changes to store, the deploy-log lines to append
 * and when to look again. No I/O, no clock: the time comes in as an argument.
 *
 * Phases (`releases.phase`, what a restarted controller resumes from):
 * - `pending`: nothing applied yet; the next step is dry run → ConfigMaps → apply;
 * - `applied`: every object was applied; the controller follows the rollout;
 * - `done`: the release has its final status.
 */

export type ReleasePhase = 'pending' | 'applied' | 'done';

/** The columns of a release the decisions depend on. */
export interface DeployingRelease {
  status: ReleaseStatus;
  phase: ReleasePhase;
  /** When applying began (null until the controller first works on it). */
  startedAt: Date | null;
  createdAt: Date;
  /** How long the deploy (apply + rollout) may take, in seconds. */
  timeoutSeconds: number;
}

/** One workload's rollout as `rolloutStatusOf` (@slipway/kube) reports it. */
export interface WorkloadRollout {
  /** `Deployment/web`. */
  ref: string;
  state: 'done' | 'progressing' | 'failed';
  message: string;
}

/** A crash-looping container (`crashLoopingPods`), with the last lines of its log when read. */
export interface CrashLoop {
  pod: string;
  container: string;
  reason: string;
  restarts: number;
  lastLines?: string[] | undefined;
}

/** What one look at the cluster found. */
export type ReleaseObservation =
  /** The cluster did not answer (or answered 5xx): retried with back-off until the timeout. */
  | { type: 'unreachable'; reason: string }
  /** The dry run (or the apply) refused objects: nothing more is applied. */
  | { type: 'refused'; problems: string[] }
  /** Every ConfigMap exists and every object was applied. */
  | {
      type: 'applied';
      configMaps: Array<{ name: string; created: boolean }>;
      objects: Array<{ ref: string; outcome: 'created' | 'configured' | 'unchanged' }>;
      /**
       * Objects of the project's earlier releases in the environment that this one no longer
       * has, deleted after the apply (`problem`: why one could not be).
       */
      pruned?: Array<{ ref: string; problem?: string | undefined }> | undefined;
    }
  /** The rollout of every applied workload, and the crash-looping pods among theirs. */
  | {
      type: 'rollout';
      workloads: WorkloadRollout[];
      crashLooping: CrashLoop[];
      /** Warning events of pods that are not ready (`Pod/x: BackOff: …`). */
      podEvents: string[];
    };

/** What to store and append after one look. */
export interface ReleaseStep {
  change: {
    status?: ReleaseStatus;
    phase?: ReleasePhase;
    message?: string | null;
    startedAt?: Date;
    finishedAt?: Date;
  };
  log: string[];
  /** Look again after this many ms (undefined: the release has ended). */
  requeueAfterMs?: number | undefined;
}

/** How often a rollout is looked at, ms. */
export const ROLLOUT_POLL_MS = 1_000;
/** Back-off after an unreachable cluster: first and longest wait, ms. */
export const UNREACHABLE_BACKOFF_MS = { first: 1_000, max: 15_000 };

/** When the release must have finished (its timeout counted from when applying began). */
export function deadlineOf(release: DeployingRelease): number {
  return (release.startedAt ?? release.createdAt).getTime() + release.timeoutSeconds * 1000;
}

const MAX_MESSAGE = 4000;

/**
 * The next step of a deploying release. `previous` is the set of progress lines already
 * logged for this release (so unchanged rollout progress is not logged again); `attempt`
 * counts the unreachable looks in a row (for the back-off).
 */
export function releaseStep(input: {
  release: DeployingRelease;
  observation: ReleaseObservation;
  now: Date;
  previous?: ReadonlySet<string> | undefined;
  attempt?: number | undefined;
}): ReleaseStep {
  const { release, observation, now } = input;
  const started = release.startedAt === null ? { startedAt: now } : {};
  const fail = (message: string, log: string[]): ReleaseStep => ({
    change: {
      ...started,
      status: 'failed',
      phase: 'done',
      message: message.slice(0, MAX_MESSAGE),
      finishedAt: now,
    },
    log: [...log, `release failed: ${message}`],
  });
  const left = deadlineOf({ ...release, startedAt: release.startedAt ?? now }) - now.getTime();

  switch (observation.type) {
    case 'unreachable': {
      if (left <= 0) {
        return fail(
          `the cluster could not be reached within ${release.timeoutSeconds}s: ${observation.reason}`,
          [],
        );
      }
      const attempt = input.attempt ?? 1;
      const wait = Math.min(
        UNREACHABLE_BACKOFF_MS.max,
        UNREACHABLE_BACKOFF_MS.first * 2 ** Math.min(attempt - 1, 10),
      );
      const line = `cluster unreachable (${observation.reason}); retrying`;
      return {
        change: { ...started },
        log: input.previous?.has(line) ? [] : [line],
        requeueAfterMs: Math.min(wait, left + 1),
      };
    }
    case 'refused':
      return fail(
        `refused by the cluster before anything was applied: ${observation.problems.join('; ')}`,
        observation.problems.map((problem) => `refused: ${problem}`),
      );
    case 'applied': {
      const log = [
        ...observation.configMaps.map(
          (c) => `ConfigMap/${c.name} ${c.created ? 'created (immutable)' : 'exists; reused'}`,
        ),
        ...observation.objects.map((o) => `${o.ref} ${o.outcome}`),
        ...(observation.pruned ?? []).map((p) =>
          p.problem ? `${p.ref} not pruned: ${p.problem}` : `${p.ref} pruned`,
        ),
      ];
      return { change: { ...started, phase: 'applied' }, log, requeueAfterMs: 0 };
    }
    case 'rollout': {
      const failed = observation.workloads.find((w) => w.state === 'failed');
      const crash = observation.crashLooping[0];
      if (failed || crash) {
        const reasons = [
          ...(failed ? [`${failed.ref}: ${failed.message}`] : []),
          ...observation.crashLooping.map(crashReason),
        ];
        return fail(reasons.join('; '), observation.podEvents);
      }
      const progressing = observation.workloads.filter((w) => w.state === 'progressing');
      if (progressing.length === 0) {
        return {
          change: { ...started, status: 'succeeded', phase: 'done', message: null, finishedAt: now },
          log: [
            ...observation.workloads.map((w) => `${w.ref}: ${w.message}`),
            'release succeeded: every workload is available',
          ].filter((line) => !input.previous?.has(line) || line.startsWith('release ')),
        };
      }
      const progress = [...progressing.map((w) => `${w.ref}: ${w.message}`), ...observation.podEvents];
      if (left <= 0) {
        return fail(
          `the rollout did not finish within ${release.timeoutSeconds}s: ${progress.join('; ')}`,
          [],
        );
      }
      return {
        change: { ...started },
        log: progress.filter((line) => !input.previous?.has(line)),
        requeueAfterMs: Math.min(ROLLOUT_POLL_MS, left + 1),
      };
    }
  }
}

function crashReason(crash: CrashLoop): string {
  const head = `pod ${crash.pod} container ${crash.container} is crash-looping (${crash.reason}, ${crash.restarts} restarts)`;
  return crash.lastLines && crash.lastLines.length > 0
    ? `${head}; last log lines:\n${crash.lastLines.join('\n')}`
    : head;
}

/**
 * What a release that just succeeded does to the one that was live before it in the same
 * project and environment: `rolled-back` when the new one is a rollback someone asked for,
 * else `superseded` — an automatic rollback restores the live release itself (the failed
 * one it undid is `rolled-back` already), so that one is only superseded.
 */
export function replacedStatus(newRelease: {
  rollbackOf: number | null;
  trigger?: string | undefined;
}): 'superseded' | 'rolled-back' {
  return newRelease.rollbackOf !== null && newRelease.trigger !== 'auto-rollback'
    ? 'rolled-back'
    : 'superseded';
}

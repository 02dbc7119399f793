import type { Prisma } from '@slipway/db';
import type { KubernetesObject } from '@slipway/kube';
import { admissionOf, type EnvironmentPolicy } from './release-admission.ts';
import { stampLabels } from './release-labels.ts';
import type { ReleaseInsert, ReleaseRow } from './releases.repo.ts';

/** Who the platform itself acts as (an automatic rollback has no user behind it). */
export const SYSTEM_ACTOR = 'slipway';

/** Says that a failed release's rollout was undone; the failed release's message starts with it. */
export const AUTO_ROLLBACK_PREFIX = 'rolled back automatically: ';

/** The environment a rollback deploys into: its policy and where it lives. */
export interface RollbackEnvironment extends EnvironmentPolicy {
  id: string;
  namespace: string;
  clusterId: string;
}

/**
 * The release that rolls back to `target` (for `ReleasesRepo.insert`/`insertOnce`, which
 * give the number): `target`'s image with digest, rendered objects (relabelled with the new
 * number), config versions (their immutable ConfigMaps) and render values, `rollbackOf` its
 * number. It passes the environment's policy (`admissionOf`): a rollback someone asked for
 * may wait for approvals; an automatic rollback (trigger `auto-rollback`, priority 1: it goes
 * first in the queue and passes locks and freezes) never does.
 */
export function rollbackInsert(input: {
  target: Omit<ReleaseRow, 'project'>;
  environment: RollbackEnvironment;
  /** The project's slug (the objects' labels). */
  project: string;
  trigger: 'rollback' | 'auto-rollback';
  requestedBy: { id: string | null; name: string };
  /** Why (the automatic rollback's first log line names the failure). */
  because?: string | undefined;
  now: Date;
}): (number: number) => ReleaseInsert {
  const { target, environment, trigger, requestedBy } = input;
  const admission = admissionOf({ environment, trigger, requestedBy, now: input.now });
  const objects = target.objects as unknown as KubernetesObject[];
  return (next) => ({
    environmentId: environment.id,
    environmentName: environment.name,
    clusterId: environment.clusterId,
    namespace: environment.namespace,
    status: admission.status,
    phase: 'pending',
    trigger,
    priority: trigger === 'auto-rollback' ? 1 : 0,
    holdReason: admission.holdReason,
    approval: admission.status === 'awaiting-approval' ? admission.approval : undefined,
    renderValues: target.renderValues ?? undefined,
    image: target.image,
    imageDigest: target.imageDigest,
    manifestSetName: target.manifestSetName,
    manifestVersion: target.manifestVersion,
    manifestPath: target.manifestPath,
    objects: objects.map((o) => stampLabels(o, input.project, next)) as unknown as Prisma.InputJsonValue,
    timeoutSeconds: target.timeoutSeconds,
    commitSha: target.commitSha,
    rollbackOf: target.number,
    createdById: requestedBy.id,
    createdByName: requestedBy.name,
    configs: target.configs.map((c) => ({
      configVersionId: c.configVersionId,
      name: c.name,
      version: c.version,
      configMapName: c.configMapName,
    })),
    log: [
      trigger === 'auto-rollback'
        ? `release ${next}: rolling back automatically to release ${target.number}${input.because ? ` (${input.because})` : ''}`
        : `release ${next}: rolling back to release ${target.number} (by ${requestedBy.name})`,
      ...(admission.log ? [admission.log] : []),
    ],
  });
}

/**
 * The step of a release whose rollout just failed (status `failed`, phase `applied` before),
 * in an environment with `autoRollback`: with a release to go back to (`live`, the newest
 * `succeeded` one of the project there) it becomes `rolled-back` with the message
 * `rolled back automatically: <reason>`; without one, or when it is an automatic rollback
 * itself (never undone in a loop), it stays `failed` and its log says why.
 */
export function autoRollbackStep<
  S extends { change: { status?: string; message?: string | null }; log: string[] },
>(
  step: S,
  failed: { trigger: string; environmentName: string },
  live: { number: number } | null,
): { step: S; rollBackTo: number | null } {
  if (failed.trigger === 'auto-rollback') {
    return {
      step: {
        ...step,
        log: [...step.log, 'not rolled back automatically: it is an automatic rollback itself'],
      },
      rollBackTo: null,
    };
  }
  if (!live) {
    return {
      step: {
        ...step,
        log: [
          ...step.log,
          `not rolled back automatically: no earlier release of the project succeeded in environment "${failed.environmentName}"`,
        ],
      },
      rollBackTo: null,
    };
  }
  return {
    step: {
      ...step,
      change: {
        ...step.change,
        status: 'rolled-back',
        message: `${AUTO_ROLLBACK_PREFIX}${step.change.message ?? 'the rollout failed'}`.slice(0, 4000),
      },
      log: [...step.log, `rolling back automatically to release ${live.number}`],
    },
    rollBackTo: live.number,
  };
}

/**
 * Whether the release was live once: `succeeded`, `superseded`, or `rolled-back` because it
 * was live when a rollback replaced it — not a release whose own rollout failed and was
 * rolled back automatically (also `rolled-back`, with the reason as its message).
 */
export function wasLive(release: { status: string; message: string | null }): boolean {
  if (release.status === 'succeeded' || release.status === 'superseded') return true;
  return release.status === 'rolled-back' && !(release.message ?? '').startsWith(AUTO_ROLLBACK_PREFIX);
}

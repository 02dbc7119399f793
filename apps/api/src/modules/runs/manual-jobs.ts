import type { Permission } from '@slipway/contracts';
import type { PipelineSpec } from '@slipway/pipeline';

/**
 * Manual jobs (`manual: true`), GitLab's manual jobs with their default `allow_failure`:
 * the run reaches the job and leaves it `manual`, later stages go on as if it were skipped,
 * and an unplayed manual job does not fail the run. Playing it (POST …/jobs/{job}/play)
 * starts it like any job, also after the run ended (the run is `running` again until the
 * job ends, and its result counts). Who may play it: whoever may start a run in the run's
 * environment (`pipeline.run`, plus `deploy.production` or `deploy.nonproduction`).
 */

/** The `stage/name` keys of the spec's manual jobs (the run's stored spec). */
export function manualJobsOf(spec: PipelineSpec): Set<string> {
  const keys = new Set<string>();
  for (const stage of spec.stages) {
    for (const job of stage.jobs ?? []) if (job.manual === true) keys.add(`${stage.name}/${job.name}`);
  }
  return keys;
}

/** The permission a run in `environment` needs besides `pipeline.run` (run creation's rule). */
export function environmentRunPermission(environment: { production: boolean }): Permission {
  return environment.production ? 'deploy.production' : 'deploy.nonproduction';
}

/** What the refusal to run in `environment` says (run creation's wording). */
export function environmentRefusal(environment: { name: string; production: boolean }): string {
  return `you may not run in environment "${environment.name}"${environment.production ? ' (production: needs the operator role)' : ''}`;
}

/** Why a job may not be played: 403 (the caller's rights) or 409 (the job's or run's state). */
export interface PlayRefusal {
  status: 403 | 409;
  message: string;
  /** For the error's `details` (field `job`). */
  detail: string;
}

/**
 * Why `caller` may not play `job` of `run` now, or null when they may: the one rule of the
 * play endpoint and of the run page's ▶ Play button. `environment` is the run's environment
 * as it is now (null: deleted); `held` the caller's permissions on the project; `secretsGone`
 * says the run had secret parameters whose values are no longer kept.
 */
export function playRefusal(input: {
  job: { name: string; status: string; playedByName: string | null };
  environment: { name: string; production: boolean; locked: boolean } | null;
  held: readonly Permission[];
  secretsGone: boolean;
}): PlayRefusal | null {
  const { job, environment } = input;
  if (!input.held.includes('pipeline.run')) {
    return {
      status: 403,
      message: 'you may not run this pipeline',
      detail: 'needs the permission pipeline.run',
    };
  }
  if (environment) {
    const permission = environmentRunPermission(environment);
    if (!input.held.includes(permission)) {
      return {
        status: 403,
        message: environmentRefusal(environment),
        detail: `needs the permission ${permission}`,
      };
    }
  }
  if (job.status !== 'manual') {
    const message = job.playedByName
      ? `job "${job.name}" was already played by ${job.playedByName} (it is ${job.status})`
      : `job "${job.name}" is not waiting to be played (it is ${job.status})`;
    return { status: 409, message, detail: `not manual: ${job.status}` };
  }
  if (!environment) {
    return { status: 409, message: 'the run’s environment was deleted', detail: 'environment deleted' };
  }
  if (environment.locked) {
    return {
      status: 409,
      message: `environment "${environment.name}" is locked: nothing may run in it until it is unlocked`,
      detail: 'environment locked',
    };
  }
  if (input.secretsGone) {
    return {
      status: 409,
      message: 'the run had secret parameters, which are no longer kept; start a new run',
      detail: 'secret parameters gone',
    };
  }
  return null;
}

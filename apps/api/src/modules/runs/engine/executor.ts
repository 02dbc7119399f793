import type { Readable } from 'node:stream';
import type { PlannedDeploy, PlannedStep } from '@slipway/pipeline';

/** Everything an executor needs to run one attempt of one pipeline job. */
export interface JobDispatch {
  /** Deterministic (run, job, attempt): a repeated start adopts what exists. */
  externalName: string;
  labels: {
    workspace: string;
    project: string;
    pipeline: string;
    runId: string;
    runNumber: number;
    job: string;
    stage: string;
    attempt: number;
  };
  namespace: string;
  /**
   * What the first step checks out; `commit` pins it (the commit that triggered the run, or
   * the one the run's first checkout found), so every job of a run builds the same code.
   */
  repository: { url: string; ref: string; commit?: string | undefined } | null;
  steps: PlannedStep[];
  /** Environment variables of every step (run variables; secret parameters by reference). */
  env: Record<string, string>;
  /**
   * Secret environment of the steps (secret parameters, the job's credentials): kept in a
   * Secret or the process environment, never written into specs or scripts.
   */
  secretEnv: Record<string, string>;
  /** The project's git credential, for the checkout step only. */
  gitAuth: { username: string; password: string } | undefined;
  /**
   * For jobs with restore/upload steps (`PlannedStep.transfer`): the job attempt's token
   * (`SLIPWAY_JOB_TOKEN`, given only to those steps, masked in logs) and the API URL they call
   * (`SLIPWAY_API_URL`; the local executor uses its own server's loopback URL instead).
   */
  transfer?: { token: string; apiUrl: string | undefined } | undefined;
  /** Docker configs of the registries the job's build steps push to, by credential name. */
  registryConfigs: Record<string, string>;
  timeoutSeconds: number | undefined;
  /** Requests (and the memory limit) of every step container. */
  resources: { cpu?: string | undefined; memory?: string | undefined };
  /**
   * A `deploy` job's deploy step (executed by the deploy executor, modules/releases): the
   * job attempt's id (one release per attempt), the planned deploy and the run's variable
   * values by expression (`run.number`, `git.sha`, `params.<name>`, …).
   */
  deploy?:
    | {
        jobRunId: string;
        planned: PlannedDeploy;
        values: Record<string, string>;
        /** Digests the run's build steps pushed, by destination (the release's `imageDigest`). */
        digests?: Record<string, string> | undefined;
      }
    | undefined;
}

export type ObservedStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface ObservedStep {
  status: ObservedStepStatus;
  exitCode?: number | undefined;
  /** What the step reported (commit checked out, image digest). */
  result?: string | undefined;
  startedAt?: Date | undefined;
  finishedAt?: Date | undefined;
}

export interface JobObservation {
  /** `missing`: nothing exists under the job's name (never started, or lost). */
  state: 'missing' | 'running' | 'succeeded' | 'failed';
  /** One per step, the checkout step first when there is a repository. */
  steps: ObservedStep[];
  message?: string | undefined;
}

export interface JobRef {
  externalName: string;
  namespace: string;
  /** The job attempt's id (the deploy executor finds its release by it). */
  jobRunId?: string | undefined;
}

export interface Executor {
  readonly kind: 'kubernetes' | 'local' | 'deploy';
  /** Starts the job; when something of that name exists already, adopts it. */
  start(job: JobDispatch): Promise<void>;
  observe(job: JobRef, stepCount: number): Promise<JobObservation>;
  /** Stops the job and everything it started; idempotent. */
  stop(job: JobRef): Promise<void>;
  /** A step's output from byte `fromByte` on; the stream ends when the step's log is complete. */
  openLog(
    job: JobRef,
    stepIndex: number,
    fromByte: number,
    isFinished: () => boolean,
  ): Promise<Readable | null>;
  /** Lets the executor clean up after the job's logs are archived. */
  release(job: JobRef): Promise<void>;
  /**
   * Tells about changes as they happen anywhere on this executor (one shared watch per cluster,
   * started on the first call): calls `onRun` with the run id (label `slipway.dev/run`) of whatever
   * changed. Returns a function that removes this listener (the watch stops with the last listener).
   */
  watch?(onRun: (runId: string) => void): () => void;
}

/** `slw-<run id prefix>-<job>-<attempt>`, a valid DNS label of at most 63 characters. */
export function externalNameOf(runId: string, stage: string, job: string, attempt: number): string {
  const safe = (value: string) =>
    value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const prefix = `slw-${runId.replace(/-/g, '').slice(0, 10)}`;
  const suffix = `-a${attempt}`;
  const middle = `-${safe(stage)}-${safe(job)}`
    .slice(0, 63 - prefix.length - suffix.length)
    .replace(/-+$/g, '');
  return `${prefix}${middle}${suffix}`;
}

/** Shell lines that move a fresh shallow clone to `$SLIPWAY_COMMIT` when it is set and differs. */
export const PIN_COMMIT_SCRIPT = [
  'if [ -n "${SLIPWAY_COMMIT:-}" ] && [ "$(git rev-parse HEAD)" != "$SLIPWAY_COMMIT" ]; then',
  '  git fetch --quiet --depth 1 origin "$SLIPWAY_COMMIT" 2>/dev/null || git fetch --quiet --unshallow origin',
  '  git checkout --quiet "$SLIPWAY_COMMIT"',
  'fi',
].join('\n');

/**
 * Makes git answer with `$SLIPWAY_GIT_USERNAME`/`$SLIPWAY_GIT_PASSWORD` when they are set
 * (a credential helper reading the environment: the password is in no URL, file or log).
 */
export const GIT_AUTH_SCRIPT = [
  'if [ -n "${SLIPWAY_GIT_PASSWORD:-}" ]; then',
  `  git config --global credential.helper '!f() { test "$1" = get && echo "username=$SLIPWAY_GIT_USERNAME" && echo "password=$SLIPWAY_GIT_PASSWORD"; }; f'`,
  'fi',
].join('\n');

/**
 * Where the checkout step leaves the commit it checked out, relative to the workspace (in
 * `.git`, so the working tree stays clean).
 */
export const CHECKOUT_COMMIT_FILE = '.git/slipway-commit';

/**
 * First lines of every step script: when the run's commit was not known before the run
 * (a manual run), `SLIPWAY_SHA`/`SLIPWAY_SHORT_SHA` are read from what the checkout left,
 * so `${{ git.sha }}` holds the commit being built in every job.
 */
export const COMMIT_PROLOGUE = [
  `if [ -z "\${SLIPWAY_SHA:-}" ] && [ -r ${CHECKOUT_COMMIT_FILE} ]; then`,
  `  SLIPWAY_SHA="$(cat ${CHECKOUT_COMMIT_FILE})"`,
  `  SLIPWAY_SHORT_SHA="$(printf '%.8s' "$SLIPWAY_SHA")"`,
  '  export SLIPWAY_SHA SLIPWAY_SHORT_SHA',
  'fi',
].join('\n');

/** A `run` step's script as executors run it: the commit prologue, then the planned script. */
export function stepScriptOf(step: PlannedStep): string {
  return `${COMMIT_PROLOGUE}\n${step.script}`;
}

/**
 * A step's environment: the job's (run variables) with the step's own `env` over it,
 * except the names Slipway sets itself (`SLIPWAY_BRANCH`, `SLIPWAY_PARAM_<NAME>`,
 * `SLIPWAY_SECRET_<NAME>`, …): those keep Slipway's value, which is what `${{ }}` reads.
 */
export function stepEnvironment(job: JobDispatch, step: PlannedStep): Record<string, string> {
  const own = Object.fromEntries(
    Object.entries(step.env).filter(
      ([name]) => !(name.startsWith('SLIPWAY_') && name in job.env) && !(name in job.secretEnv),
    ),
  );
  return { ...job.env, ...own };
}

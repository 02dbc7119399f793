import {
  type PlanContext,
  type PlannedJob,
  parseRunRef,
  planRun,
  refVariables,
  secretEnvName,
  variableEnv,
  variableValues,
} from '@slipway/pipeline';
import type { SecretBox } from '../../../lib/secret-box.ts';
import type { ClusterCredentials } from '../../clusters/cluster-clients.ts';
import { parseRunSpec, RunSpecError } from '../run-spec.ts';
import type { JobRunRow, RunsRepo, RunWithJobs } from '../runs.repo.ts';
import { externalNameOf, type JobDispatch, type JobRef } from './executor.ts';
import {
  type CredentialResolver,
  credentialEnvNames,
  credentialsOfJob,
  credentialsOfRun,
  dockerConfigOf,
  type ResolvedCredential,
} from './run-credentials.ts';
import type { DispatchTarget } from './run-transitions.ts';

/**
 * An error no retry can cure (controller-runtime's `reconcile.TerminalError`): the run
 * fails once with this message instead of being retried with back-off.
 */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** What the engine needs beside the run's row to reconcile it and dispatch its jobs. */
export interface RunContext {
  project: { slug: string; repoUrl: string | null; workspaceSlug: string; gitCredential: string | null };
  /** Secret parameter values, by parameter. */
  secrets: Record<string, string>;
  /** The credentials the run uses, decrypted. */
  credentials: Map<string, ResolvedCredential>;
  plan: PlannedJob[];
  /** The run's variables as the steps' environment (`SLIPWAY_BRANCH`, `SLIPWAY_PARAM_<NAME>`, …). */
  variables: Record<string, string>;
  /** The run's variables by expression (`run.number`, `params.<name>`, …), for deploy steps. */
  values: Record<string, string>;
  /**
   * Where jobs dispatched now go (the run's environment as it was when this was built);
   * `gone` says why nothing can be dispatched (its environment was deleted) — terminal only
   * for a run that still has a job to dispatch: what was dispatched keeps its executor.
   */
  target: DispatchTarget & { cluster: ClusterCredentials | null; gone?: string | undefined };
  /** The clusters jobs of the run were dispatched to, by id; null: deleted since. */
  clusters: Map<string, ClusterCredentials | null>;
  /** When environment, project, credentials and clusters were read (ms since the epoch). */
  builtAt: number;
}

interface Entry {
  source: Omit<RunContext, 'plan' | 'variables' | 'values'>;
  /** The plan depends on the commit (`${{ git.sha }}`), recorded by the first checkout. */
  sha: string | null | undefined;
  plan: PlannedJob[];
  variables: Record<string, string>;
  values: Record<string, string>;
}

/**
 * The context of each active run, cached in memory so a reconcile that only observes costs
 * no query beside loading the run. What it is built from changes rarely and is re-read
 * where it matters:
 * - the plan and variables derive from the run's row alone (stored spec, parameters,
 *   commit): recomputed when the run's commit is recorded, never re-read;
 * - the environment, project, credentials and clusters are re-read whenever a job is
 *   dispatched (`get(run, { fresh: true })`), so a new job goes where the environment
 *   points now and gets the credentials as they are now; a job already dispatched keeps
 *   its recorded cluster and namespace;
 * - the entry is dropped when the run has ended and settled (`drop`).
 */
export function createRunContexts(deps: {
  runs: RunsRepo;
  secrets: SecretBox;
  resolveCredentials: CredentialResolver;
}) {
  const cache = new Map<string, Entry>();

  async function load(run: RunWithJobs): Promise<Entry['source']> {
    const { environment, project } = await deps.runs.dispatchSourceOf(run);
    if (!project) throw new TerminalError('its project was deleted');
    const secrets = run.secretValues
      ? (JSON.parse(deps.secrets.decrypt(run.secretValues)) as Record<string, string>)
      : {};
    const spec = parseOrTerminal(run.spec);
    // The credentials named anywhere in the plan (the plan's commit does not change names).
    const plan = planRun(spec, planContextOf(run, secrets, environment?.namespace ?? null, project));
    const credentials = await deps.resolveCredentials(
      project.workspaceId,
      credentialsOfRun(plan, project.gitCredential),
    );
    const recorded = [...new Set(run.jobs.flatMap((job) => (job.clusterId ? [job.clusterId] : [])))];
    const current = environment?.cluster ?? null;
    const found = await deps.runs.clustersByIds(recorded.filter((id) => id !== current?.id));
    const clusters = new Map<string, ClusterCredentials | null>(recorded.map((id) => [id, null]));
    for (const cluster of [...found, ...(current ? [current] : [])]) {
      clusters.set(cluster.id, cluster);
    }
    return {
      project: {
        slug: project.slug,
        repoUrl: project.repoUrl,
        workspaceSlug: project.workspace.slug,
        gitCredential: project.gitCredential,
      },
      secrets,
      credentials,
      target: {
        executor: current ? 'kubernetes' : 'local',
        clusterId: current?.id ?? null,
        namespace: environment?.namespace ?? 'default',
        cluster: current,
        gone: environment ? undefined : `its environment "${run.environmentName}" was deleted`,
      },
      clusters,
      builtAt: Date.now(),
    };
  }

  return {
    /**
     * The run's context, from the cache unless `fresh` (then environment, project,
     * credentials and clusters are read again). Throws `TerminalError` when the run
     * cannot go on: its project is gone, its stored spec no longer parses.
     */
    async get(run: RunWithJobs, options: { fresh?: boolean } = {}): Promise<RunContext> {
      let entry = cache.get(run.id);
      if (!entry || options.fresh) {
        const source = await load(run);
        entry = { source, sha: undefined, plan: [], variables: {}, values: {} };
        cache.set(run.id, entry);
      }
      if (entry.sha !== run.commitSha) {
        const spec = parseOrTerminal(run.spec);
        const context = planContextOf(
          run,
          entry.source.secrets,
          entry.source.target.namespace,
          entry.source.project,
        );
        entry.plan = planRun(spec, context);
        entry.variables = variableEnv(spec, context);
        entry.values = variableValues(spec, context);
        entry.sha = run.commitSha;
      }
      return { ...entry.source, plan: entry.plan, variables: entry.variables, values: entry.values };
    },

    /** Forgets the run's context (it ended; or a test wants it read again). */
    drop(runId: string): void {
      cache.delete(runId);
    },

    size: () => cache.size,
  };
}

export type RunContexts = ReturnType<typeof createRunContexts>;

function parseOrTerminal(text: string) {
  try {
    return parseRunSpec(text);
  } catch (error) {
    if (error instanceof RunSpecError) throw new TerminalError(error.message);
    throw error;
  }
}

function planContextOf(
  run: RunWithJobs,
  secrets: Record<string, string>,
  namespace: string | null,
  project: { slug: string; workspace?: { slug: string }; workspaceSlug?: string },
): PlanContext {
  return {
    releaseType: run.releaseType,
    environment: run.environmentName,
    ...refVariables(run.ref),
    parameters: { ...(run.parameters as Record<string, unknown>), ...secrets },
    runNumber: run.number,
    runId: run.id,
    sha: run.commitSha ?? '',
    namespace: namespace ?? '',
    project: project.slug,
    workspace: project.workspace?.slug ?? project.workspaceSlug ?? '',
    secretParameters: Object.keys(secrets),
  };
}

/** Where a dispatched job is: its recorded name and namespace. */
export function refOf(ctx: RunContext, run: RunWithJobs, job: JobRunRow): JobRef {
  return {
    externalName: job.externalName ?? externalNameOf(run.id, job.stage, job.name, job.attempt),
    // Jobs dispatched before namespaces were recorded: the environment's.
    namespace: job.namespace ?? ctx.target.namespace,
    jobRunId: job.id,
  };
}

/**
 * Everything the executor needs to run one attempt of a job. `transfer` (token and API URL)
 * is passed on to jobs with restore/upload steps only.
 */
export function dispatchOf(
  ctx: RunContext,
  run: RunWithJobs,
  job: JobRunRow,
  planned: PlannedJob,
  transfer?: JobDispatch['transfer'],
): JobDispatch {
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
    const names = credentialEnvNames(name);
    secretEnv[names.secret] = credential.secret;
    if (credential.username) secretEnv[names.username] = credential.username;
  }
  const git = ctx.project.gitCredential ? ctx.credentials.get(ctx.project.gitCredential) : undefined;
  const registryConfigs: Record<string, string> = {};
  for (const name of credentialsOfJob(planned)) {
    const credential = ctx.credentials.get(name);
    if (credential?.type === 'registry') registryConfigs[name] = dockerConfigOf(credential);
  }
  const ref = refOf(ctx, run, job);
  return {
    externalName: ref.externalName,
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
    namespace: ref.namespace,
    repository: ctx.project.repoUrl
      ? { url: ctx.project.repoUrl, ref: parseRunRef(run.ref).name, commit: run.commitSha ?? undefined }
      : null,
    steps: planned.steps,
    env,
    secretEnv,
    gitAuth: git ? { username: git.username ?? 'git', password: git.secret } : undefined,
    registryConfigs,
    ...(transfer && planned.steps.some((s) => s.transfer) ? { transfer } : {}),
    timeoutSeconds: planned.timeoutSeconds,
    resources: planned.resources,
    deploy: planned.deploy
      ? {
          jobRunId: job.id,
          planned: planned.deploy,
          values: ctx.values,
          digests: builtImageDigests(ctx.plan, run.jobs),
        }
      : undefined,
  };
}

/**
 * The digests the run's build steps pushed, by destination (`registry/app:1` →
 * `sha256:…`): the result of each succeeded `build-image` step of the latest attempts.
 */
export function builtImageDigests(
  plan: readonly PlannedJob[],
  jobs: readonly JobRunRow[],
): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const planned of plan) {
    const attempts = jobs.filter((j) => j.stage === planned.stage && j.name === planned.name);
    const latest = attempts.reduce<JobRunRow | undefined>(
      (last, j) => (!last || j.attempt > last.attempt ? j : last),
      undefined,
    );
    for (const step of planned.steps) {
      if (!step.buildImage) continue;
      const row = latest?.steps.find((s) => s.name === step.name);
      if (row?.status === 'succeeded' && row.result?.startsWith('sha256:')) {
        digests[step.buildImage.destination] = row.result;
      }
    }
  }
  return digests;
}

import type { Job, PipelineSpec, Stage, Step } from './schema.ts';
import { DURATION_PATTERN } from './schema.ts';
import { interpolate } from './variables.ts';
import { evaluateWhen, type RunContext } from './when.ts';

/** An approval gate's rules: who may approve, how many must, and whether the starter may. */
export interface Approval {
  role: string;
  count: number;
  allowSelfApproval: boolean;
}

/** What a run knows when it starts; every `${{ }}` variable is filled from it. */
export interface PlanContext extends RunContext {
  runNumber: number;
  runId: string;
  sha: string;
  tag?: string;
  namespace: string;
  project: string;
  workspace: string;
  /** Parameters of type `secret`: never interpolated into scripts, passed as environment variables. */
  secretParameters: readonly string[];
}

export interface PlannedStep {
  name: string;
  kind: 'run' | 'build-image';
  image: string | undefined;
  /** The shell script (`run`), with variables filled in. */
  script: string;
  env: Record<string, string>;
  buildImage?: { context: string; dockerfile: string; destination: string; credential?: string };
}

export interface PlannedJob {
  stage: string;
  stageIndex: number;
  name: string;
  kind: 'job' | 'approval';
  /** False when the release type or a `when` leaves it out: it is recorded as skipped. */
  runs: boolean;
  timeoutSeconds: number | undefined;
  retries: number;
  resources: { cpu?: string | undefined; memory?: string | undefined };
  credentials: string[];
  steps: PlannedStep[];
  approval: Approval | undefined;
}

export const DEFAULT_STEP_IMAGE = 'alpine:3.22';
export const SECRET_ENV_PREFIX = 'SLIPWAY_SECRET_';

/** `1h30m` → 5400. */
export function durationSeconds(duration: string): number {
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const [, h, m, s] = match;
  return (
    (Number.parseInt(h ?? '0', 10) * 60 + Number.parseInt(m ?? '0', 10)) * 60 + Number.parseInt(s ?? '0', 10)
  );
}

/** The environment variable a secret parameter is passed in. */
export function secretEnvName(parameter: string): string {
  return `${SECRET_ENV_PREFIX}${parameter.replace(/-/g, '_').toUpperCase()}`;
}

/** The values of the built-in variables and parameters for this run. */
export function variableValues(context: PlanContext): Record<string, string> {
  const values: Record<string, string> = {
    'run.number': String(context.runNumber),
    'run.id': context.runId,
    'git.branch': context.branch,
    'git.sha': context.sha,
    'git.shortSha': context.sha.slice(0, 8),
    'git.tag': context.tag ?? '',
    'release.type': context.releaseType,
    'environment.name': context.environment,
    'environment.namespace': context.namespace,
    'project.slug': context.project,
    'workspace.slug': context.workspace,
  };
  for (const [name, value] of Object.entries(context.parameters)) {
    // A secret's value would end up in a pod spec or a process listing: refer to its variable instead.
    values[`params.${name}`] = context.secretParameters.includes(name)
      ? `\${${secretEnvName(name)}}`
      : String(value);
  }
  return values;
}

function stringEnv(
  env: Readonly<Record<string, string | number | boolean>> | undefined,
  values: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) out[key] = interpolate(String(value), values);
  return out;
}

function stepName(step: Step, index: number, taken: Set<string>): string {
  let name = step.name ?? ('buildImage' in step ? 'build-image' : `step-${index + 1}`);
  for (let n = 2; taken.has(name); n++) name = `${step.name ?? 'step'}-${n}`;
  taken.add(name);
  return name;
}

function planSteps(job: Job, inherited: Record<string, string>, values: Record<string, string>) {
  const taken = new Set<string>();
  const steps: PlannedStep[] = [];
  for (const [index, step] of job.steps.entries()) {
    if ('approval' in step) continue;
    const name = stepName(step, index, taken);
    if ('run' in step) {
      steps.push({
        name,
        kind: 'run',
        image: step.image ?? job.image,
        script: interpolate(step.run, values),
        env: { ...inherited, ...stringEnv(step.env, values) },
      });
    } else {
      const build = step.buildImage;
      steps.push({
        name,
        kind: 'build-image',
        image: undefined,
        script: '',
        env: { ...inherited },
        buildImage: {
          context: interpolate(build.context ?? '.', values),
          dockerfile: interpolate(build.dockerfile ?? 'Dockerfile', values),
          destination: interpolate(build.destination, values),
          ...(build.credential ? { credential: build.credential } : {}),
        },
      });
    }
  }
  return steps;
}

function approvalOf(job: Job): Approval | undefined {
  const step = job.steps.find((s) => 'approval' in s);
  return step && 'approval' in step ? normaliseApproval(step.approval) : undefined;
}

function normaliseApproval(approval: Stage['approval']): Approval {
  return {
    role: approval?.role ?? 'operator',
    count: approval?.count ?? 1,
    allowSelfApproval: approval?.allowSelfApproval ?? false,
  };
}

/** The rules of every approval gate (stage-level or a job of one approval step), keyed `stage/name`. */
export function approvalsOf(spec: PipelineSpec): Map<string, Approval> {
  const gates = new Map<string, Approval>();
  for (const stage of spec.stages) {
    if (stage.approval || !stage.jobs)
      gates.set(`${stage.name}/${stage.name}`, normaliseApproval(stage.approval));
    for (const job of stage.jobs ?? []) {
      const approval = approvalOf(job);
      if (approval) gates.set(`${stage.name}/${job.name}`, approval);
    }
  }
  return gates;
}

/**
 * Why a spec cannot run as written, or undefined. An approval step must be a job's only
 * step: a job's steps run without pause in one pod, so a gate cannot sit between them.
 */
export function unrunnableReason(spec: PipelineSpec): string | undefined {
  for (const stage of spec.stages) {
    for (const job of stage.jobs ?? []) {
      const approvals = job.steps.filter((s) => 'approval' in s).length;
      if (approvals > 0 && approvals < job.steps.length) {
        return `stage '${stage.name}', job '${job.name}': an approval step must be the job's only step (or use a stage-level approval)`;
      }
    }
  }
  return undefined;
}

/**
 * Everything a run will do, decided before anything runs: which stages and jobs run for
 * this release type, environment, branch and parameters, and each step's script and
 * environment with every variable filled in.
 */
export function planRun(spec: PipelineSpec, context: PlanContext): PlannedJob[] {
  const values = variableValues(context);
  const selectedStages = spec.releaseTypes?.[context.releaseType]?.stages;
  const jobs: PlannedJob[] = [];
  for (const [stageIndex, stage] of spec.stages.entries()) {
    const stageRuns =
      (!selectedStages || selectedStages.includes(stage.name)) && evaluateWhen(stage.when, context);
    const stageEnv = { ...stringEnv(spec.env, values), ...stringEnv(stage.env, values) };
    const stageCredentials = [...(spec.credentials ?? []), ...(stage.credentials ?? [])];
    if (stage.approval || !stage.jobs) {
      jobs.push({
        stage: stage.name,
        stageIndex,
        name: stage.name,
        kind: 'approval',
        runs: stageRuns,
        timeoutSeconds: undefined,
        retries: 0,
        resources: {},
        credentials: [],
        steps: [],
        approval: normaliseApproval(stage.approval),
      });
      continue;
    }
    for (const job of stage.jobs) {
      const approval = approvalOf(job);
      jobs.push({
        stage: stage.name,
        stageIndex,
        name: job.name,
        kind: approval ? 'approval' : 'job',
        runs: stageRuns && evaluateWhen(job.when, context),
        timeoutSeconds: job.timeout ? durationSeconds(job.timeout) : undefined,
        retries: job.retries ?? 0,
        resources: job.resources ?? {},
        credentials: [...new Set([...stageCredentials, ...(job.credentials ?? [])])],
        steps: approval ? [] : planSteps(job, { ...stageEnv, ...stringEnv(job.env, values) }, values),
        approval,
      });
    }
  }
  return jobs;
}

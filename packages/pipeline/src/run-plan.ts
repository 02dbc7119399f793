import { addTransferSteps } from './job-files.ts';
import type { Job, PipelineSpec, Stage, Step } from './schema.ts';
import { artifactExpirySeconds, DURATION_PATTERN } from './schema.ts';
import { doubleQuoted, type ResolvedExpression, renderScript } from './shell-render.ts';
import {
  BUILT_IN_ENV,
  EXPRESSION,
  interpolate,
  parameterEnvName,
  parseHashFiles,
  SECRET_ENV_PREFIX,
  secretEnvName,
  unknownVariable,
} from './variables.ts';
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
  /** The commit, when known before the checkout (a push); empty otherwise (the step reads it after the checkout). */
  sha: string;
  /** The tag being built; `branch` is empty then. */
  tag?: string;
  namespace: string;
  project: string;
  workspace: string;
  /** Parameters of type `secret`: their values come from the job's Secret, never from the plan. */
  secretParameters: readonly string[];
}

export interface PlannedStep {
  name: string;
  kind: 'run' | 'build-image';
  image: string | undefined;
  /**
   * The shell script (`run`): every `${{ }}` replaced by a quoted reference to the
   * environment variable holding its value, after a prologue that exports the `env`
   * entries written with `${{ }}`.
   */
  script: string;
  /** The step's own environment (pipeline < stage < job < step), entries without `${{ }}`. */
  env: Record<string, string>;
  buildImage?: { context: string; dockerfile: string; destination: string; credential?: string };
  /**
   * A synthetic step Slipway adds (job-files.ts): `restore` unpacks earlier stages'
   * artifacts and the cache, `upload` sends artifacts, reports and the cache to the API.
   */
  transfer?: 'restore' | 'upload';
  /**
   * Runs after a failed step too (the local runner, with `SLIPWAY_JOB_FAILED=1`); the job
   * stays failed. Set on the `upload` step of a job with `reports`.
   */
  always?: boolean;
}

/**
 * A job's `deploy` step as planned. The engine executes it (modules/releases), not a
 * container: it renders the manifests with the run's values, applies them and follows the
 * rollout. Values keep their `${{ }}` expressions: the engine fills them when it deploys
 * (the commit of a manual run is known only after its checkout).
 *
 * Its `PlannedJob` has `kind: 'deploy'` and `steps: []` (nothing for a container to run; no
 * checkout either): the run's job row has one step row, named `name`, which the engine
 * moves through pending → running → succeeded/failed with the deploy.
 */
export interface PlannedDeploy {
  /** The step's name (default `deploy`): the name of the job row's one step row. */
  name: string;
  /** A manifest set of the project by name (the version pinned when the run was created)… */
  manifests: string | undefined;
  /** …or a path (file or directory) in the repository, read at the run's commit. */
  path: string | undefined;
  /** The image reference, `${{ release.image }}` in manifests; may hold `${{ }}` expressions. */
  image: string | undefined;
  /** Config sets by name; each becomes the ConfigMap `<set>-v<version>`. */
  config: string[];
  /** How long the rollout may take, in seconds (default 300). */
  timeoutSeconds: number;
}

export interface PlannedJob {
  stage: string;
  stageIndex: number;
  name: string;
  /** `deploy`: a job whose only step is a deploy step, executed by the engine. */
  kind: 'job' | 'approval' | 'deploy';
  /** False when the release type or a `when` leaves it out: it is recorded as skipped. */
  runs: boolean;
  timeoutSeconds: number | undefined;
  retries: number;
  resources: { cpu?: string | undefined; memory?: string | undefined };
  credentials: string[];
  steps: PlannedStep[];
  approval: Approval | undefined;
  /** The deploy step of a `deploy` job. */
  deploy?: PlannedDeploy | undefined;
  /** `manual: true`: the job waits until someone plays it; the rest of the run goes on without it. */
  manual: boolean;
  /** Files kept after the job succeeds (`artifacts`). */
  artifacts: PlannedArtifacts | undefined;
  /** Test reports read after the job ends, whether it succeeded or failed (`reports`). */
  reports: PlannedReports | undefined;
  /** The job's cache (`cache`). */
  cache: PlannedCache | undefined;
}

/** A job's `artifacts`: globs relative to the workspace, and how long they are kept. */
export interface PlannedArtifacts {
  paths: string[];
  /** Seconds after the job ends that they expire (`expireIn`, default 30 days). */
  expireInSeconds: number;
}

/** A job's `reports`: globs of JUnit XML files, relative to the workspace. */
export interface PlannedReports {
  junit: string[];
}

/**
 * A job's `cache`. The key is evaluated in the job's workspace after the checkout, because
 * `hashFiles()` reads files there: literal parts (variables known before the run already
 * filled in) and `hashFiles` parts, joined in order.
 */
export interface PlannedCache {
  key: Array<{ text: string } | { hashFiles: string[] }>;
  paths: string[];
}

/** The key's parts, or a problem for an expression a cache key cannot use. */
function cacheKeyOf(key: string, scope: PlanScope): PlannedCache['key'] {
  const parts: PlannedCache['key'] = [];
  for (const [index, part] of key.split(EXPRESSION).entries()) {
    if (index % 2 === 0) {
      if (part.includes('${{')) scope.problems.push(`cache key "${key}": missing "}}"`);
      if (part) parts.push({ text: part });
      continue;
    }
    const call = parseHashFiles(part);
    if (call && 'globs' in call) parts.push({ hashFiles: call.globs });
    else if (call) scope.problems.push(`cache key: ${call.error}`);
    else parts.push({ text: dataText(`\${{ ${part} }}`, scope.values, scope.problems) });
  }
  return parts;
}

/** Why a run cannot be planned; each problem names the stage, job and step. */
export class PlanError extends Error {
  override name = 'PlanError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export const DEFAULT_STEP_IMAGE = 'alpine:3.22';
export { SECRET_ENV_PREFIX, secretEnvName };

/** `1h30m` → 5400. */
export function durationSeconds(duration: string): number {
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const [, h, m, s] = match;
  return (
    (Number.parseInt(h ?? '0', 10) * 60 + Number.parseInt(m ?? '0', 10)) * 60 + Number.parseInt(s ?? '0', 10)
  );
}

/**
 * The values of the built-in variables and parameters for this run, by expression
 * (`git.branch`, `params.title`). A declared parameter without a value (not given and no
 * default, or not asked for by the release type) is the empty string; secret ones are
 * left out (their values never enter a plan).
 */
export function variableValues(spec: PipelineSpec, context: PlanContext): Record<string, string> {
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
  for (const parameter of spec.parameters ?? []) {
    if (context.secretParameters.includes(parameter.name)) continue;
    const value = context.parameters[parameter.name];
    values[`params.${parameter.name}`] = value === undefined || value === null ? '' : String(value);
  }
  return values;
}

/**
 * The environment variables that carry the run's values to every step: the built-in
 * variables (`SLIPWAY_BRANCH`, `SLIPWAY_TAG`, … — see BUILT_IN_ENV) and each non-secret
 * parameter as `SLIPWAY_PARAM_<NAME>`. Throws PlanError when two parameters would share a
 * variable (`a-b` and `a_b`).
 */
export function variableEnv(spec: PipelineSpec, context: PlanContext): Record<string, string> {
  const values = variableValues(spec, context);
  const env: Record<string, string> = {};
  for (const [expression, name] of Object.entries(BUILT_IN_ENV)) env[name] = values[expression] ?? '';
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const parameter of spec.parameters ?? []) {
    const secret = context.secretParameters.includes(parameter.name);
    const name = secret ? secretEnvName(parameter.name) : parameterEnvName(parameter.name);
    const owner = owners.get(name);
    if (owner !== undefined) {
      problems.push(
        `parameters '${owner}' and '${parameter.name}' would both be passed as ${name}; rename one`,
      );
    }
    owners.set(name, parameter.name);
    if (!secret) env[name] = values[`params.${parameter.name}`] ?? '';
  }
  if (problems.length > 0) throw new PlanError(problems);
  return env;
}

/** Answers, for one run, what each expression becomes in a script. */
function expressionResolver(spec: PipelineSpec, context: PlanContext) {
  const values = variableValues(spec, context);
  const declared = (spec.parameters ?? []).map((p) => p.name);
  return (expression: string): ResolvedExpression => {
    if (expression in BUILT_IN_ENV) {
      const env = BUILT_IN_ENV[expression as keyof typeof BUILT_IN_ENV];
      // The commit of a manual run is known only once the checkout has run.
      const late = (expression === 'git.sha' || expression === 'git.shortSha') && context.sha === '';
      return { env, value: late ? undefined : values[expression] };
    }
    const parameter = expression.startsWith('params.') ? expression.slice('params.'.length) : undefined;
    if (parameter !== undefined && declared.includes(parameter)) {
      return context.secretParameters.includes(parameter)
        ? { env: secretEnvName(parameter), value: undefined }
        : { env: parameterEnvName(parameter), value: values[expression] };
    }
    return { error: unknownVariable(expression, declared) ?? `unknown variable \${{ ${expression} }}` };
  };
}

function stepName(step: Step, index: number, taken: Set<string>): string {
  let name = step.name ?? ('buildImage' in step ? 'build-image' : `step-${index + 1}`);
  for (let n = 2; taken.has(name); n++) name = `${step.name ?? 'step'}-${n}`;
  taken.add(name);
  return name;
}

type RawEnv = Readonly<Record<string, string | number | boolean>>;
type Resolve = (expression: string) => ResolvedExpression;

/** `text` (with `${{ }}`) as one double-quoted shell word whose expressions read their variables. */
function shellWord(text: string, resolve: Resolve, problems: string[]): string {
  // Split with the capture group: literal text at even indexes, expressions at odd ones.
  const parts = text.split(EXPRESSION);
  let word = '';
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) {
      const resolved = resolve(part);
      if ('error' in resolved) problems.push(resolved.error);
      else word += `\${${resolved.env}}`;
    } else {
      if (part.includes('${{')) problems.push(`unterminated expression in "${text}": missing "}}"`);
      word += doubleQuoted(part).slice(1, -1);
    }
  }
  return `"${word}"`;
}

/**
 * A `run` step's environment: entries without `${{ }}` as they are; entries with one are
 * exported by the script's first lines, reading the variables, so their values (a secret's
 * too) are never written into a Job or a script.
 */
function runStepEnv(env: RawEnv, resolve: Resolve, problems: string[]) {
  const plain: Record<string, string> = {};
  const exports: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const text = String(value);
    if (text.includes('${{')) exports.push(`export ${key}=${shellWord(text, resolve, problems)}`);
    else plain[key] = text;
  }
  return { plain, exports };
}

/** Text that is data, not shell code (build arguments): values inserted as they are. */
function dataText(text: string, values: Record<string, string>, problems: string[]): string {
  const filled = interpolate(text, values);
  if (filled.includes('${{')) {
    problems.push(
      `"${text}": only non-secret variables known before the run can be used here (${[...filled.matchAll(EXPRESSION)].map((m) => m[0]).join(', ') || 'unterminated ${{'})`,
    );
  }
  return filled;
}

function planSteps(job: Job, inherited: RawEnv, scope: PlanScope) {
  const taken = new Set<string>();
  const steps: PlannedStep[] = [];
  for (const [index, step] of job.steps.entries()) {
    if ('approval' in step || 'deploy' in step) continue;
    const name = stepName(step, index, taken);
    const problems: string[] = [];
    const env = { ...inherited, ...('env' in step ? step.env : {}) };
    if ('run' in step) {
      const image = step.image ?? job.image;
      const { plain, exports } = runStepEnv(env, scope.resolve, problems);
      const rendered = renderScript(step.run, scope.resolve);
      problems.push(...rendered.errors);
      steps.push({
        name,
        kind: 'run',
        image: image === undefined ? undefined : dataText(image, scope.values, problems),
        script: exports.length > 0 ? `${exports.join('\n')}\n${rendered.script}` : rendered.script,
        env: plain,
      });
    } else {
      const build = step.buildImage;
      const text = (value: string) => dataText(value, scope.values, problems);
      steps.push({
        name,
        kind: 'build-image',
        image: undefined,
        script: '',
        env: Object.fromEntries(Object.entries(env).map(([key, value]) => [key, text(String(value))])),
        buildImage: {
          context: text(build.context ?? '.'),
          dockerfile: text(build.dockerfile ?? 'Dockerfile'),
          destination: text(build.destination),
          ...(build.credential ? { credential: build.credential } : {}),
        },
      });
    }
    for (const problem of new Set(problems)) scope.problems.push(`step '${name}': ${problem}`);
  }
  return steps;
}

interface PlanScope {
  resolve: Resolve;
  /** Values known before the run, secret ones left out. */
  values: Record<string, string>;
  problems: string[];
}

/** Default of `deploy.timeout`: how long a rollout may take, in seconds. */
export const DEFAULT_DEPLOY_TIMEOUT_SECONDS = 300;

/**
 * The job's deploy step as planned, or undefined when it has none. Every `${{ }}` of the
 * image must name a variable the run has and that is not secret (the image is recorded with
 * the release); it is kept as written, filled by the engine when it deploys.
 */
function deployOf(job: Job, scope: PlanScope): PlannedDeploy | undefined {
  const step = job.steps.find((s) => 'deploy' in s);
  if (!step || !('deploy' in step)) return undefined;
  const { deploy } = step;
  const name = step.name ?? 'deploy';
  const image = deploy.image;
  for (const [index, part] of (image ?? '').split(EXPRESSION).entries()) {
    if (index % 2 === 0) {
      if (part.includes('${{'))
        scope.problems.push(`step '${name}': unterminated expression in image "${image}": missing "}}"`);
      continue;
    }
    const resolved = scope.resolve(part);
    if ('error' in resolved) scope.problems.push(`step '${name}': ${resolved.error}`);
    else if (resolved.env.startsWith(SECRET_ENV_PREFIX))
      scope.problems.push(
        `step '${name}': a secret parameter cannot be part of the image (\${{ ${part} }}): the image is recorded with the release`,
      );
  }
  return {
    name,
    manifests: deploy.manifests,
    path: deploy.path,
    image,
    config: deploy.config ?? [],
    timeoutSeconds: deploy.timeout ? durationSeconds(deploy.timeout) : DEFAULT_DEPLOY_TIMEOUT_SECONDS,
  };
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
 * step: a job's steps run without pause in one pod, so a gate cannot sit between them. A
 * deploy step too: the engine executes it, not the job's pod. (Saving checks the deploy
 * rule already; this catches a stored or template-expanded spec.)
 */
export function unrunnableReason(spec: PipelineSpec): string | undefined {
  for (const stage of spec.stages) {
    for (const job of stage.jobs ?? []) {
      const approvals = job.steps.filter((s) => 'approval' in s).length;
      if (approvals > 0 && approvals < job.steps.length) {
        return `stage '${stage.name}', job '${job.name}': an approval step must be the job's only step (or use a stage-level approval)`;
      }
      const deploys = job.steps.filter((s) => 'deploy' in s).length;
      if (deploys > 0 && job.steps.length > 1) {
        return `stage '${stage.name}', job '${job.name}': a deploy step must be the job's only step`;
      }
    }
  }
  return undefined;
}

/**
 * Everything a run will do, decided before anything runs: which stages and jobs run for
 * this release type, environment, branch and parameters, and each step's script and
 * environment, every `${{ }}` made a reference to the variable holding its value. Throws
 * PlanError when an expression of a job that runs cannot be used (unknown, unterminated,
 * a secret where nothing expands). Jobs with artifacts, reports or a cache, and jobs after
 * a stage with artifacts, get the synthetic `restore`/`upload` steps (job-files.ts).
 */
export function planRun(spec: PipelineSpec, context: PlanContext): PlannedJob[] {
  variableEnv(spec, context); // refuses parameters that would share a variable
  const values = variableValues(spec, context);
  const resolve = expressionResolver(spec, context);
  const problems: string[] = [];
  const selectedStages = spec.releaseTypes?.[context.releaseType]?.stages;
  const jobs: PlannedJob[] = [];
  for (const [stageIndex, stage] of spec.stages.entries()) {
    const stageRuns =
      (!selectedStages || selectedStages.includes(stage.name)) && evaluateWhen(stage.when, context);
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
        manual: false,
        artifacts: undefined,
        reports: undefined,
        cache: undefined,
      });
      continue;
    }
    for (const job of stage.jobs) {
      const approval = approvalOf(job);
      const runs = stageRuns && evaluateWhen(job.when, context);
      // Problems of a job that does not run do not stop the run.
      const scope: PlanScope = { resolve, values, problems: [] };
      const env = { ...spec.env, ...stage.env, ...job.env };
      const deploy = approval ? undefined : deployOf(job, scope);
      jobs.push({
        stage: stage.name,
        stageIndex,
        name: job.name,
        kind: approval ? 'approval' : deploy ? 'deploy' : 'job',
        runs,
        timeoutSeconds: job.timeout ? durationSeconds(job.timeout) : undefined,
        retries: job.retries ?? 0,
        resources: job.resources ?? {},
        credentials: [...new Set([...stageCredentials, ...(job.credentials ?? [])])],
        steps: approval || deploy ? [] : planSteps(job, env, scope),
        approval,
        ...(deploy ? { deploy } : {}),
        manual: job.manual === true,
        artifacts: job.artifacts && {
          paths: job.artifacts.paths,
          expireInSeconds: artifactExpirySeconds(job.artifacts.expireIn),
        },
        reports: job.reports && {
          junit: typeof job.reports.junit === 'string' ? [job.reports.junit] : job.reports.junit,
        },
        cache: job.cache && { key: cacheKeyOf(job.cache.key, scope), paths: job.cache.paths },
      });
      if (runs) problems.push(...scope.problems.map((p) => `stage '${stage.name}', job '${job.name}', ${p}`));
    }
  }
  if (problems.length > 0) throw new PlanError(problems);
  return addTransferSteps(jobs);
}

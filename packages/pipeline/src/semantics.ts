import type { z } from 'zod';
import { didYouMean, type PathSegment } from './errors.ts';
import {
  ApprovalSchema,
  type Parameter,
  ParameterSchema,
  ReleaseTypeSchema,
  StepSchema,
  type When,
  WhenSchema,
} from './schema.ts';
import { parameterEnvName, secretEnvName } from './variables.ts';

export interface SemanticProblem {
  path: PathSegment[];
  message: string;
  /** Point at the key of the last path segment (`deploy:`) rather than at its value. */
  atKey?: boolean;
}

/** Indexes of names that already appeared earlier in the list (the first one is fine). */
function duplicates(names: (string | undefined)[]): Set<number> {
  const seen = new Set<string>();
  const repeated = new Set<number>();
  names.forEach((name, index) => {
    if (name === undefined) return;
    if (seen.has(name)) repeated.add(index);
    seen.add(name);
  });
  return repeated;
}

function checkParameter(parameter: Parameter, path: PathSegment[], problems: SemanticProblem[]): void {
  if (parameter.pattern !== undefined) {
    try {
      new RegExp(parameter.pattern);
    } catch (error) {
      problems.push({
        path: [...path, 'pattern'],
        message: `not a valid regular expression: ${(error as Error).message}`,
      });
    }
  }
  if (parameter.type === 'choice' && !parameter.choices) {
    problems.push({ path, message: `choice parameter '${parameter.name}' needs choices` });
  }
  if (parameter.type !== 'choice' && parameter.choices) {
    problems.push({ path: [...path, 'choices'], message: 'only choice parameters have choices' });
  }
  if (parameter.default !== undefined) {
    const problem = checkValue(parameter, parameter.default);
    if (problem) problems.push({ path: [...path, 'default'], message: `default ${problem}` });
  }
}

/** Why a value does not fit a parameter, or undefined when it does. */
export function checkValue(parameter: Parameter, value: unknown): string | undefined {
  switch (parameter.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number';
      if (parameter.min !== undefined && value < parameter.min) return `must be at least ${parameter.min}`;
      if (parameter.max !== undefined && value > parameter.max) return `must be at most ${parameter.max}`;
      return undefined;
    }
    case 'choice':
      return parameter.choices?.some((choice) => choice === value)
        ? undefined
        : `must be one of: ${(parameter.choices ?? []).join(', ')}`;
    default: {
      if (typeof value !== 'string') return 'must be text';
      if (parameter.pattern) {
        try {
          if (!new RegExp(parameter.pattern).test(value)) return `must match ${parameter.pattern}`;
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
  }
}

interface Context {
  releaseTypes: string[];
  parameters: string[];
  /** The parameters that pass their schema, by name (the first of a name). */
  declared: ReadonlyMap<string, Parameter>;
}

/**
 * Why a `when` value can never equal the parameter's value, or undefined. Run values are
 * checked against the same rules (`checkValue`), so a value that breaks them never matches:
 * a boolean compared with the text "true" or `yes`, a number with "5", a choice with
 * something not among its choices.
 */
function whenValueProblem(parameter: Parameter, value: unknown): string | undefined {
  const problem = checkValue(parameter, value);
  if (!problem) return undefined;
  const shown = JSON.stringify(value);
  if (typeof value === 'string' && parameter.type === 'boolean')
    return `${shown} is text and never matches boolean parameter '${parameter.name}': write true or false without quotes`;
  if (typeof value === 'string' && parameter.type === 'number')
    return `${shown} is text and never matches number parameter '${parameter.name}': write the number without quotes`;
  return `${shown} never matches parameter '${parameter.name}', which ${problem}`;
}

function checkWhen(
  when: When | undefined,
  path: PathSegment[],
  context: Context,
  problems: SemanticProblem[],
): void {
  if (!when) return;
  for (const [index, type] of (when.releaseType ?? []).entries()) {
    if (!context.releaseTypes.includes(type)) {
      problems.push({
        path: [...path, 'when', 'releaseType', index],
        message: `unknown release type '${type}'${didYouMean(type, context.releaseTypes)}`,
      });
    }
  }
  for (const [name, expected] of Object.entries(when.parameters ?? {})) {
    if (!context.parameters.includes(name)) {
      problems.push({
        path: [...path, 'when', 'parameters', name],
        message: `unknown parameter '${name}'${didYouMean(name, context.parameters)}`,
      });
      continue;
    }
    const parameter = context.declared.get(name);
    if (!parameter) continue;
    const values = Array.isArray(expected) ? expected : [expected];
    values.forEach((value, index) => {
      const problem = whenValueProblem(parameter, value);
      if (problem)
        problems.push({
          path: [...path, 'when', 'parameters', name, ...(Array.isArray(expected) ? [index] : [])],
          message: problem,
        });
    });
  }
}

// The checks below read a document that may still have schema errors. Each part is checked
// only once it passes its own schema (the schema errors of the rest are reported anyway), and
// names are taken from the raw document, so a reference to a stage or parameter whose
// declaration has an error elsewhere is not reported as unknown as well.

type Raw = Record<string, unknown>;

function asRecord(value: unknown): Raw | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function nameOf(value: unknown): string | undefined {
  const name = asRecord(value)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The part when it passes its schema, else undefined. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** The names a spec declares, from the raw document (for references and `${{ params.x }}`). */
export function declaredNames(data: unknown): {
  parameters: string[];
  releaseTypes: string[];
  stages: string[];
} {
  const spec = asRecord(data) ?? {};
  const names = (list: unknown) => asList(list).flatMap((item) => nameOf(item) ?? []);
  return {
    parameters: names(spec.parameters),
    stages: names(spec.stages),
    releaseTypes: Object.keys(asRecord(spec.releaseTypes) ?? {}),
  };
}

/**
 * What the schema cannot express: references between parts of the spec, and uniqueness.
 * Takes the document as parsed from YAML, valid or not (see above).
 */
export function checkSemantics(data: unknown, roles?: readonly string[]): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const checkRole = (approval: unknown, path: PathSegment[]) => {
    const role = valid(ApprovalSchema, approval) && asRecord(approval)?.role;
    if (roles && typeof role === 'string' && !roles.includes(role))
      problems.push({
        path: [...path, 'role'],
        message: `unknown role '${role}'${didYouMean(role, roles)}; a gate names one of: ${roles.join(', ')}`,
      });
  };
  const spec = asRecord(data) ?? {};
  const names = declaredNames(spec);
  const declared = new Map<string, Parameter>();
  const context = { releaseTypes: names.releaseTypes, parameters: names.parameters, declared };

  const rawParameters = asList(spec.parameters);
  const repeatedParameters = duplicates(rawParameters.map(nameOf));
  rawParameters.forEach((raw, index) => {
    const path = ['parameters', index];
    if (repeatedParameters.has(index))
      problems.push({ path: [...path, 'name'], message: `parameter '${nameOf(raw)}' is declared twice` });
    const parameter = valid(ParameterSchema, raw);
    if (!parameter) return;
    checkParameter(parameter, path, problems);
    if (!declared.has(parameter.name)) declared.set(parameter.name, parameter);
  });
  // Values reach steps as environment variables (`a-b` and `a_b` would share SLIPWAY_PARAM_A_B).
  const envOwners = new Map<string, string>();
  for (const parameter of declared.values()) {
    const env =
      parameter.type === 'secret' ? secretEnvName(parameter.name) : parameterEnvName(parameter.name);
    const owner = envOwners.get(env);
    if (owner === undefined) envOwners.set(env, parameter.name);
    else
      problems.push({
        path: ['parameters', rawParameters.findIndex((raw) => nameOf(raw) === parameter.name), 'name'],
        message: `parameters '${owner}' and '${parameter.name}' would both reach steps as ${env}; rename one`,
      });
  }

  for (const [name, raw] of Object.entries(asRecord(spec.releaseTypes) ?? {})) {
    const releaseType = valid(ReleaseTypeSchema, raw);
    (releaseType?.parameters ?? []).forEach((parameter, index) => {
      if (!names.parameters.includes(parameter)) {
        problems.push({
          path: ['releaseTypes', name, 'parameters', index],
          message: `release type '${name}' asks for unknown parameter '${parameter}'${didYouMean(parameter, names.parameters)}`,
        });
      }
    });
    (releaseType?.stages ?? []).forEach((stage, index) => {
      if (!names.stages.includes(stage)) {
        problems.push({
          path: ['releaseTypes', name, 'stages', index],
          message: `release type '${name}' names unknown stage '${stage}'${didYouMean(stage, names.stages)}`,
        });
      }
    });
  }

  const rawStages = asList(spec.stages);
  const repeatedStages = duplicates(rawStages.map(nameOf));
  rawStages.forEach((raw, s) => {
    const stage = asRecord(raw);
    if (!stage) return;
    const path: PathSegment[] = ['stages', s];
    const name = nameOf(stage) ?? `#${s + 1}`;
    if (repeatedStages.has(s))
      problems.push({ path: [...path, 'name'], message: `stage '${name}' is declared twice` });
    if (stage.jobs === undefined && stage.approval === undefined)
      problems.push({ path, message: `stage '${name}' needs jobs or an approval` });
    if (stage.jobs !== undefined && stage.approval !== undefined) {
      problems.push({
        path: [...path, 'approval'],
        message: 'a stage has either jobs or an approval, not both',
      });
    }
    checkWhen(valid(WhenSchema, stage.when), path, context, problems);
    checkRole(stage.approval, [...path, 'approval']);
    const rawJobs = asList(stage.jobs);
    const repeatedJobs = duplicates(rawJobs.map(nameOf));
    rawJobs.forEach((rawJob, j) => {
      const job = asRecord(rawJob);
      if (!job) return;
      const jobPath: PathSegment[] = [...path, 'jobs', j];
      if (repeatedJobs.has(j))
        problems.push({
          path: [...jobPath, 'name'],
          message: `job '${nameOf(job)}' appears twice in stage '${name}'`,
        });
      checkWhen(valid(WhenSchema, job.when), jobPath, context, problems);
      checkJobKinds(job, asList(job.steps), jobPath, problems);
      // An image with a schema error is still an image: its own error says what is wrong.
      const jobHasImage = job.image !== undefined;
      const rawSteps = asList(job.steps);
      rawSteps.forEach((rawStep, k) => {
        checkRole(asRecord(rawStep)?.approval, [...jobPath, 'steps', k, 'approval']);
        if (asRecord(rawStep)?.deploy !== undefined)
          checkDeploy(asRecord(rawStep)?.deploy, [...jobPath, 'steps', k], rawSteps.length, problems);
        const step = valid(StepSchema, rawStep);
        if (step && 'run' in step && !step.image && !jobHasImage) {
          problems.push({
            path: [...jobPath, 'steps', k],
            message: `step needs an image: set image on the step or on job '${nameOf(job)}'`,
          });
        }
      });
    });
  });
  return problems;
}

/**
 * Keys that need a container of the job's own: an approval or deploy job runs none (the
 * engine executes it), so it has no workspace for artifacts, reports or a cache, and an
 * approval job already waits for people, so it cannot also be manual.
 */
function checkJobKinds(
  job: Record<string, unknown>,
  rawSteps: unknown[],
  jobPath: PathSegment[],
  problems: SemanticProblem[],
): void {
  const kind = rawSteps.some((step) => asRecord(step)?.approval !== undefined)
    ? 'approval'
    : rawSteps.some((step) => asRecord(step)?.deploy !== undefined)
      ? 'deploy'
      : undefined;
  if (!kind) return;
  for (const key of ['artifacts', 'reports', 'cache'] as const) {
    if (job[key] !== undefined)
      problems.push({
        path: [...jobPath, key],
        atKey: true,
        message: `${kind === 'approval' ? 'an approval' : 'a deploy'} job runs no container, so it has no ${key}: put ${key} on a job with run steps`,
      });
  }
  if (kind === 'approval' && job.manual === true)
    problems.push({
      path: [...jobPath, 'manual'],
      atKey: true,
      message: 'an approval job already waits for people: it cannot also be manual',
    });
}

/**
 * A deploy step: the only step of its job (the engine, not a container, executes that job,
 * as with an approval step), exactly one of `manifests` and `path`, each config set once.
 */
function checkDeploy(
  rawDeploy: unknown,
  stepPath: PathSegment[],
  stepCount: number,
  problems: SemanticProblem[],
): void {
  if (stepCount > 1)
    problems.push({
      path: stepPath,
      message: 'a deploy step must be its job’s only step: put it in a job of its own',
    });
  const deploy = asRecord(rawDeploy);
  if (!deploy) return;
  const path = [...stepPath, 'deploy'];
  if ((deploy.manifests === undefined) === (deploy.path === undefined))
    problems.push({
      path,
      atKey: true,
      message:
        deploy.manifests === undefined
          ? 'a deploy step needs manifests (a manifest set) or path (manifests in the repository)'
          : 'a deploy step takes manifests or path, not both',
    });
  const config = asList(deploy.config);
  for (const index of duplicates(config.map((name) => (typeof name === 'string' ? name : undefined))))
    problems.push({
      path: [...path, 'config', index],
      message: `config set '${String(config[index])}' is named twice`,
    });
}

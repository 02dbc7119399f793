import { didYouMean, type PathSegment } from './errors.ts';
import type { Parameter, PipelineSpec, When } from './schema.ts';

export interface SemanticProblem {
  path: PathSegment[];
  message: string;
}

/** Indexes of names that already appeared earlier in the list (the first one is fine). */
function duplicates(names: string[]): Set<number> {
  const seen = new Set<string>();
  const repeated = new Set<number>();
  names.forEach((name, index) => {
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

function checkWhen(
  when: When | undefined,
  path: PathSegment[],
  context: { releaseTypes: string[]; parameters: string[] },
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
  for (const name of Object.keys(when.parameters ?? {})) {
    if (!context.parameters.includes(name)) {
      problems.push({
        path: [...path, 'when', 'parameters', name],
        message: `unknown parameter '${name}'${didYouMean(name, context.parameters)}`,
      });
    }
  }
}

/** What the schema cannot express: references between parts of the spec, and uniqueness. */
export function checkSemantics(spec: PipelineSpec): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const parameters = (spec.parameters ?? []).map((p) => p.name);
  const stageNames = spec.stages.map((s) => s.name);
  const releaseTypes = Object.keys(spec.releaseTypes ?? {});
  const context = { releaseTypes, parameters };

  const repeatedParameters = duplicates(parameters);
  (spec.parameters ?? []).forEach((parameter, index) => {
    const path = ['parameters', index];
    if (repeatedParameters.has(index))
      problems.push({ path: [...path, 'name'], message: `parameter '${parameter.name}' is declared twice` });
    checkParameter(parameter, path, problems);
  });

  for (const [name, releaseType] of Object.entries(spec.releaseTypes ?? {})) {
    (releaseType.parameters ?? []).forEach((parameter, index) => {
      if (!parameters.includes(parameter)) {
        problems.push({
          path: ['releaseTypes', name, 'parameters', index],
          message: `release type '${name}' asks for unknown parameter '${parameter}'${didYouMean(parameter, parameters)}`,
        });
      }
    });
    (releaseType.stages ?? []).forEach((stage, index) => {
      if (!stageNames.includes(stage)) {
        problems.push({
          path: ['releaseTypes', name, 'stages', index],
          message: `release type '${name}' names unknown stage '${stage}'${didYouMean(stage, stageNames)}`,
        });
      }
    });
  }

  const repeatedStages = duplicates(stageNames);
  spec.stages.forEach((stage, s) => {
    const path: PathSegment[] = ['stages', s];
    if (repeatedStages.has(s))
      problems.push({ path: [...path, 'name'], message: `stage '${stage.name}' is declared twice` });
    if (!stage.jobs && !stage.approval)
      problems.push({ path, message: `stage '${stage.name}' needs jobs or an approval` });
    if (stage.jobs && stage.approval) {
      problems.push({
        path: [...path, 'approval'],
        message: 'a stage has either jobs or an approval, not both',
      });
    }
    checkWhen(stage.when, path, context, problems);
    const repeatedJobs = duplicates((stage.jobs ?? []).map((j) => j.name));
    (stage.jobs ?? []).forEach((job, j) => {
      const jobPath: PathSegment[] = [...path, 'jobs', j];
      if (repeatedJobs.has(j))
        problems.push({
          path: [...jobPath, 'name'],
          message: `job '${job.name}' appears twice in stage '${stage.name}'`,
        });
      checkWhen(job.when, jobPath, context, problems);
      job.steps.forEach((step, k) => {
        if ('run' in step && !step.image && !job.image) {
          problems.push({
            path: [...jobPath, 'steps', k],
            message: `step needs an image: set image on the step or on job '${job.name}'`,
          });
        }
      });
    });
  });
  return problems;
}

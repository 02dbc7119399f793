import type { PipelineSpec } from './schema.ts';
import { checkValue } from './semantics.ts';

export interface ParameterError {
  parameter: string;
  message: string;
}

/** The parameters a release type asks for (all declared ones when it names none). */
export function parametersFor(spec: PipelineSpec, releaseType: string) {
  const type = spec.releaseTypes?.[releaseType];
  const all = spec.parameters ?? [];
  if (!type?.parameters) return spec.releaseTypes ? [] : all;
  return all.filter((parameter) => type.parameters?.includes(parameter.name));
}

/**
 * Validates a run's parameter values for its release type before anything runs: only the
 * release type's parameters are accepted, required ones must be there, each value must
 * fit its type, pattern or choices. Returns the values with defaults applied.
 */
export function resolveRunParameters(
  spec: PipelineSpec,
  releaseType: string,
  values: Readonly<Record<string, unknown>>,
): { values: Record<string, unknown>; errors: ParameterError[] } {
  const errors: ParameterError[] = [];
  const releaseTypes = Object.keys(spec.releaseTypes ?? {});
  if (releaseTypes.length > 0 && !releaseTypes.includes(releaseType)) {
    return {
      values: {},
      errors: [
        {
          parameter: 'releaseType',
          message: `unknown release type '${releaseType}'; choose one of: ${releaseTypes.join(', ')}`,
        },
      ],
    };
  }
  const asked = parametersFor(spec, releaseType);
  const askedNames = new Set(asked.map((p) => p.name));
  for (const name of Object.keys(values)) {
    if (!askedNames.has(name)) {
      errors.push({
        parameter: name,
        message: `release type '${releaseType}' does not ask for '${name}'${askedNames.size ? ` (it asks for: ${[...askedNames].join(', ')})` : ''}`,
      });
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const parameter of asked) {
    const given = values[parameter.name] ?? parameter.default;
    // Choices are text as written (`1.10` stays "1.10"): a caller sending the number 2 means "2".
    const value =
      parameter.type === 'choice' && (typeof given === 'number' || typeof given === 'boolean')
        ? (parameter.choices?.find((choice) => choice === String(given)) ?? given)
        : given;
    if (value === undefined || value === '') {
      if (parameter.required ?? parameter.default === undefined) {
        errors.push({ parameter: parameter.name, message: 'is required' });
      }
      continue;
    }
    const problem = checkValue(parameter, value);
    if (problem) errors.push({ parameter: parameter.name, message: problem });
    else resolved[parameter.name] = value;
  }
  return { values: resolved, errors };
}

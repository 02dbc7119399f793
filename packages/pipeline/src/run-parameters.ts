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
 * fit its type, pattern or choices. Returns the values to record, by these rules:
 * - not given (absent or null): the default, else nothing (the variable is then empty);
 * - given empty (`""`): recorded as the empty string, unchecked — unless the parameter is
 *   required (`required: true`, or no default), which an empty value does not satisfy;
 * - anything else: checked and recorded as given. No text may hold a NUL character (no
 *   environment variable can carry one).
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
    const given = values[parameter.name];
    const raw = given === undefined || given === null ? parameter.default : given;
    // Choices are text as written (`1.10` stays "1.10"): a caller sending the number 2 means "2".
    const value =
      parameter.type === 'choice' && (typeof raw === 'number' || typeof raw === 'boolean')
        ? (parameter.choices?.find((choice) => choice === String(raw)) ?? raw)
        : raw;
    const required = parameter.required ?? parameter.default === undefined;
    if (value === undefined || value === '') {
      if (required) errors.push({ parameter: parameter.name, message: 'is required' });
      else if (value === '') resolved[parameter.name] = '';
      continue;
    }
    const problem =
      typeof value === 'string' && value.includes('\0')
        ? 'must not contain a NUL character'
        : checkValue(parameter, value);
    if (problem) errors.push({ parameter: parameter.name, message: problem });
    else resolved[parameter.name] = value;
  }
  return { values: resolved, errors };
}

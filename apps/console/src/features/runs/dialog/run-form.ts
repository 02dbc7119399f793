import type { Run } from '@slipway/contracts';
import { type Parameter, type PipelineSpec, parametersFor, parsePipeline } from '@slipway/pipeline';

/** The release type sent for a pipeline that names none (the server then runs every stage). */
export const DEFAULT_RELEASE_TYPE = 'default';

/** What a parameter's input holds: text for most, a flag for booleans. */
export type ParameterInput = string | boolean;

export type RunFormValues = {
  releaseType: string;
  environment: string;
  ref: string;
  parameters: Record<string, ParameterInput>;
};

type ParameterValue = string | number | boolean;

/** The spec a run would use: the expanded one when the pipeline uses a template. */
export function runnableSpec(pipeline: { spec: string; expanded: string | null }): PipelineSpec | undefined {
  return parsePipeline(pipeline.expanded ?? pipeline.spec).spec;
}

export function releaseTypesOf(spec: PipelineSpec): string[] {
  return Object.keys(spec.releaseTypes ?? {});
}

/** The parameters the release type asks for (all of them when the pipeline names no release type). */
export function askedParameters(spec: PipelineSpec, releaseType: string): Parameter[] {
  return parametersFor(spec, releaseType);
}

/** What each input starts with: the parameter's default, else empty. */
export function initialParameterInputs(parameters: readonly Parameter[]): Record<string, ParameterInput> {
  return Object.fromEntries(
    parameters.map((parameter) => [
      parameter.name,
      parameter.type === 'boolean'
        ? parameter.default === true
        : parameter.default === undefined || parameter.type === 'secret'
          ? ''
          : String(parameter.default),
    ]),
  );
}

/**
 * The values to send: typed as each parameter wants (numbers, booleans, the choice's own
 * value); empty inputs are left out so the default applies or the server names what is missing.
 */
export function parameterValues(
  parameters: readonly Parameter[],
  inputs: Readonly<Record<string, ParameterInput>>,
): Record<string, ParameterValue> {
  const values: Record<string, ParameterValue> = {};
  for (const parameter of parameters) {
    const input = inputs[parameter.name];
    if (parameter.type === 'boolean') {
      values[parameter.name] = input === true;
      continue;
    }
    const text = typeof input === 'string' ? input : '';
    if (text.trim() === '') continue;
    if (parameter.type === 'number') {
      const number = Number(text);
      // Not a number: sent as typed, so the server's message says what is wrong.
      values[parameter.name] = Number.isFinite(number) ? number : text;
    } else if (parameter.type === 'choice') {
      values[parameter.name] = parameter.choices?.find((choice) => String(choice) === text) ?? text;
    } else {
      values[parameter.name] = text;
    }
  }
  return values;
}

/**
 * The newest run's release type, environment and parameters as form values, for "rerun
 * with the last values". Secret values are never returned by the server, so those inputs
 * stay empty; `missingSecrets` names the ones that must be typed again.
 */
export function valuesFromRun(
  spec: PipelineSpec,
  run: Pick<Run, 'releaseType' | 'environment' | 'ref' | 'parameters'>,
): { values: RunFormValues; missingSecrets: string[] } {
  const asked = askedParameters(spec, run.releaseType);
  const parameters = initialParameterInputs(asked);
  const missingSecrets: string[] = [];
  for (const parameter of asked) {
    if (parameter.type === 'secret') {
      if (parameter.required ?? parameter.default === undefined) missingSecrets.push(parameter.name);
      continue;
    }
    const last = run.parameters[parameter.name];
    if (last === undefined || last === null) continue;
    parameters[parameter.name] = parameter.type === 'boolean' ? last === true : String(last);
  }
  return {
    values: { releaseType: run.releaseType, environment: run.environment, ref: run.ref, parameters },
    missingSecrets,
  };
}

/** Where a parameter's value is in the form (the server's `body.parameters.<name>` in its 400 details). */
export function parameterPath(name: string): string {
  return `parameters.${name}`;
}

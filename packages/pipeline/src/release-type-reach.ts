import type { PathSegment } from './errors.ts';
import { ReleaseTypeSchema, WhenSchema } from './schema.ts';

type Raw = Record<string, unknown>;

const record = (value: unknown): Raw | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;

/** A `when.releaseType` list, or undefined when the `when` names none (or is not valid yet). */
function whenReleaseTypes(when: unknown): string[] | undefined {
  const parsed = WhenSchema.safeParse(when ?? {});
  return parsed.success ? parsed.data.releaseType : undefined;
}

/**
 * Which release types can reach each part of a spec and which parameters each asks for, so
 * that a `${{ params.x }}` is checked against every release type that can run it: a run
 * only has values for the parameters its release type asks for (see `parametersFor`).
 * Returns a checker for one reference, or undefined when the spec declares no release
 * types (then every parameter is asked for on every run).
 */
export function unaskedParameterCheck(
  data: unknown,
): ((path: readonly PathSegment[], parameter: string) => string | undefined) | undefined {
  const spec = record(data) ?? {};
  const releaseTypes = record(spec.releaseTypes);
  if (!releaseTypes || Object.keys(releaseTypes).length === 0) return undefined;
  const asks = new Map<string, { parameters: string[]; stages: string[] | undefined }>();
  for (const [name, raw] of Object.entries(releaseTypes)) {
    const parsed = ReleaseTypeSchema.safeParse(raw ?? {});
    // A release type with a schema error has its own error; do not guess what it asks for.
    if (!parsed.success) continue;
    asks.set(name, { parameters: parsed.data.parameters ?? [], stages: parsed.data.stages });
  }
  const stages = Array.isArray(spec.stages) ? spec.stages : [];

  /** The release types that run the stage (and job) a path lies in; all of them outside stages. */
  const reaching = (path: readonly PathSegment[]): string[] => {
    const all = [...asks.keys()];
    if (path[0] !== 'stages' || typeof path[1] !== 'number') return all;
    const stage = record(stages[path[1]]);
    const stageName = stage?.name;
    const stageWhen = whenReleaseTypes(stage?.when);
    let types = all.filter(
      (type) =>
        (asks.get(type)?.stages?.includes(String(stageName)) ?? true) && (stageWhen?.includes(type) ?? true),
    );
    if (path[2] === 'jobs' && typeof path[3] === 'number') {
      const jobs = Array.isArray(stage?.jobs) ? stage.jobs : [];
      const jobWhen = whenReleaseTypes(record(jobs[path[3]])?.when);
      types = types.filter((type) => jobWhen?.includes(type) ?? true);
    }
    return types;
  };

  return (path, parameter) => {
    if (path[0] === 'releaseTypes' || path[0] === 'parameters') return undefined;
    const missing = reaching(path).filter((type) => !asks.get(type)?.parameters.includes(parameter));
    if (missing.length === 0) return undefined;
    const part =
      path[2] === 'jobs' && typeof path[3] === 'number' ? 'job' : path[0] === 'stages' ? 'stage' : undefined;
    const one = missing.length === 1;
    const names = missing.map((type) => `'${type}'`).join(', ');
    const fix = part
      ? `add it to ${one ? 'its' : 'their'} parameters, or limit the ${part} with when.releaseType`
      : `add it to ${one ? 'its' : 'their'} parameters, or use it only in the stages that need it`;
    return `${one ? `release type ${names} runs` : `release types ${names} run`} this ${part ?? 'pipeline'} but ${one ? 'does' : 'do'} not ask for parameter '${parameter}': ${fix}`;
  };
}

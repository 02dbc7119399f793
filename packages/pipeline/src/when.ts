import type { When } from './schema.ts';

export interface RunContext {
  releaseType: string;
  environment: string;
  branch: string;
  parameters: Readonly<Record<string, unknown>>;
}

/** Branch globs: `*` within one path segment, `**` across segments. */
export function globMatches(glob: string, value: string): boolean {
  const pattern = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${pattern}$`).test(value);
}

/** A stage or job runs when every condition of its `when` holds (no `when`: always). */
export function evaluateWhen(when: When | undefined, context: RunContext): boolean {
  if (!when) return true;
  if (when.releaseType && !when.releaseType.includes(context.releaseType)) return false;
  if (when.environment && !when.environment.includes(context.environment)) return false;
  if (when.branch && !when.branch.some((glob) => globMatches(glob, context.branch))) return false;
  for (const [name, expected] of Object.entries(when.parameters ?? {})) {
    const actual = context.parameters[name];
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (!allowed.some((value) => value === actual)) return false;
  }
  return true;
}

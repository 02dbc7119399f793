import { type PipelineSpec, parsePipeline } from '@slipway/pipeline';

/** The step every job starts with when the project has a repository. */
export const CHECKOUT_STEP = 'checkout';

/** A run's stored spec does not parse any more (the parser changed under it): it never will. */
export class RunSpecError extends Error {
  constructor(problems: readonly string[]) {
    super(
      `the run's stored pipeline spec no longer parses${problems.length ? `: ${problems.join('; ')}` : ''}`,
    );
    this.name = 'RunSpecError';
  }
}

const parsedSpecs = new Map<string, PipelineSpec>();
const PARSED_SPECS_KEPT = 200;

/**
 * A run's stored spec, parsed (it never changes, so the latest few are kept parsed).
 * Throws `RunSpecError` when it does not parse.
 */
export function parseRunSpec(text: string): PipelineSpec {
  const cached = parsedSpecs.get(text);
  if (cached) return cached;
  const parsed = parsePipeline(text, { rules: 'schema' });
  if (!parsed.spec) throw new RunSpecError(parsed.errors.map((e) => e.message).slice(0, 3));
  if (parsedSpecs.size >= PARSED_SPECS_KEPT) parsedSpecs.delete(parsedSpecs.keys().next().value ?? '');
  parsedSpecs.set(text, parsed.spec);
  return parsed.spec;
}

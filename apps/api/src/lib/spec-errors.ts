import type { SpecError } from '@slipway/pipeline';
import { BadRequestError } from './errors.ts';

/** A 400 for a pipeline or template spec: every error, each with line, column and path. */
export function invalidSpec(errors: SpecError[]): BadRequestError {
  return new BadRequestError(
    `the spec has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors
      .slice(0, 3)
      .map((e) => `${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`)
      .join('; ')}${errors.length > 3 ? '; …' : ''}`,
    errors.map((error) => ({ field: 'body.spec', ...error })),
  );
}

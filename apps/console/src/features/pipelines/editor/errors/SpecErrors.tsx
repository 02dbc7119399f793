import { ApiError } from '../../../../api/client.ts';

export interface ShownSpecError {
  line?: number | undefined;
  column?: number | undefined;
  path?: string | undefined;
  message: string;
}

/** A spec's problems, each with the line:column where to look. */
export function SpecErrors({ errors }: { errors: ShownSpecError[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="spec-errors" aria-label="Spec errors">
      {errors.map((error, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: errors have no identity of their own
        <li key={index}>
          {error.line !== undefined ? (
            <code>
              {error.line}:{error.column}
            </code>
          ) : null}{' '}
          {error.path ? <strong>{error.path}: </strong> : null}
          {error.message}
        </li>
      ))}
    </ul>
  );
}

/** The line-addressed errors of a 400 answer to a spec save, or none. */
export function specErrorsOf(error: unknown): ShownSpecError[] {
  return error instanceof ApiError && error.statusCode === 400
    ? (error.body.details ?? []).filter((detail) => detail.line !== undefined)
    : [];
}

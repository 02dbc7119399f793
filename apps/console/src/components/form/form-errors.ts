// Pure logic behind `useForm`: which server error belongs to which field, what is left for
// the form-level notice, and whether values differ from where the form started.
import type { ErrorBody } from '@slipway/contracts';
import { ApiError } from '../../api/client.ts';

/** One message the form shows: at a field (`path` set) or at the form (`path` undefined). */
export interface FieldProblem {
  /**
   * Where in the form's values, as the API names it without its location prefix:
   * `body.repoUrl` → `repoUrl`, `body.parameters.greeting` → `parameters.greeting`,
   * `body.branches[0]` → `branches[0]`. Query, path and header details have no path here.
   */
  path: string | undefined;
  message: string;
}

/** A failed submit as the form holds it: the error plus the problems not yet fixed by an edit. */
export interface Failure {
  /** The request's own message (ApiError `message`, or any thrown error's). */
  message: string;
  /** The API's request id, for support; absent for client-side problems and network failures. */
  requestId: string | undefined;
  /** The per-field problems still standing (edits remove those of the edited field). */
  problems: readonly FieldProblem[];
  /** Whether the failure came with per-field problems at all (once all are fixed, nothing is left to say). */
  hadProblems: boolean;
}

/** The form-level notice: what no shown field says, with the request id. */
export interface FormLevelError {
  message: string;
  requestId?: string;
}

const BODY_PREFIX = 'body';

/** The form path of an API detail's `field` (`body.x.y` → `x.y`); undefined when not in the body. */
export function formPath(field: string | undefined): string | undefined {
  if (!field?.startsWith(BODY_PREFIX)) return undefined;
  const rest = field.slice(BODY_PREFIX.length);
  if (rest.startsWith('.')) return rest.slice(1) || undefined;
  if (rest.startsWith('[')) return rest;
  return undefined;
}

/** Whether `path` is `parent` itself or lies inside it (`parameters.x`, `branches[2]` inside `branches`). */
export function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}

/** Turns whatever a submit threw into a Failure: ApiError `details` become per-field problems. */
export function failureOf(error: unknown): Failure {
  if (error instanceof ApiError) return failureOfBody(error.body);
  const message = error instanceof Error ? error.message : String(error);
  return { message, requestId: undefined, problems: [], hadProblems: false };
}

/** The Failure of an API error body (the one shape every API error has, `ErrorBodySchema`). */
export function failureOfBody(body: ErrorBody): Failure {
  const problems = (body.details ?? []).map((detail) => ({
    path: formPath(detail.field),
    message: detail.message,
  }));
  return {
    message: body.message,
    requestId: body.requestId || undefined,
    problems,
    hadProblems: problems.length > 0,
  };
}

/** A Failure from checks made before sending (e.g. unparsable lines), keyed by form path. */
export function clientFailure(messages: Readonly<Record<string, string | undefined>>): Failure | undefined {
  const problems = Object.entries(messages).flatMap(([path, message]) =>
    message ? [{ path, message }] : [],
  );
  if (problems.length === 0) return undefined;
  return { message: 'check the marked fields', requestId: undefined, problems, hadProblems: true };
}

/**
 * The message to show at the field `path`: its own problems, then those inside it
 * prefixed with where (`greeting: is required` for `parameters.greeting` at `parameters`).
 */
export function messageAt(failure: Failure | undefined, path: string): string | undefined {
  if (!failure) return undefined;
  const messages = failure.problems.flatMap((problem) => {
    if (problem.path === undefined || !isWithin(problem.path, path)) return [];
    const inner = problem.path.slice(path.length).replace(/^\./, '');
    return [inner ? `${inner}: ${problem.message}` : problem.message];
  });
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** The Failure after the field `path` was edited: its problems (and those inside it) are stale. */
export function withoutField(failure: Failure | undefined, path: string): Failure | undefined {
  if (!failure) return undefined;
  const problems = failure.problems.filter(
    (problem) => problem.path === undefined || !isWithin(problem.path, path),
  );
  return problems.length === failure.problems.length ? failure : { ...failure, problems };
}

/**
 * What the form-level notice says, given the paths the form shows a message for:
 * - no per-field problems at all: the request's message (a 401, a 409, a network failure);
 * - problems, none of them at a shown field: the request's message too (it names them all);
 * - some at shown fields, others not: just the others;
 * - all at shown fields: a pointer to them (with the request id), until every one is fixed.
 */
export function formLevelError(
  failure: Failure | undefined,
  shown: (path: string) => boolean,
): FormLevelError | undefined {
  if (!failure) return undefined;
  const withId = (message: string): FormLevelError =>
    failure.requestId ? { message, requestId: failure.requestId } : { message };
  if (!failure.hadProblems) return withId(failure.message);
  if (failure.problems.length === 0) return undefined;
  const atFields = failure.problems.filter((p) => p.path !== undefined && shown(p.path));
  const elsewhere = failure.problems.filter((p) => !atFields.includes(p));
  if (atFields.length === 0) return withId(failure.message);
  if (elsewhere.length > 0) {
    return withId(elsewhere.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
  }
  return withId(
    atFields.length === 1 ? 'Correct the field marked below.' : 'Correct the fields marked below.',
  );
}

/**
 * Structural equality of form values (strings, numbers, booleans, null, arrays, plain
 * objects): what `dirty` compares against the values the form started from — the same
 * "deeply equal to the default values" rule as TanStack Form's `isDefaultValue`.
 */
export function sameValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValues(item, b[index]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => sameValues(left[key], right[key]));
}

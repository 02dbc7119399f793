import { type AppError, BadRequestError, ConflictError } from './errors.ts';

/**
 * The refusal of a save whose `baseVersion` (the version the edit started from) is not the
 * newest of `what` (e.g. `manifest set "web"`): 400 when no such version exists yet, 409
 * when a newer one was saved after it (optimistic concurrency: reload, merge, save again).
 */
export function baseVersionError(what: string, base: number, latest: number): AppError {
  const details = [{ field: 'body.baseVersion', message: `latest is ${latest}` }];
  if (base > latest) return new BadRequestError(`${what} has no version ${base}`, details);
  return new ConflictError(
    `version ${latest} of ${what} was saved after version ${base}, which this edit started from; reload, merge and save again`,
    details,
  );
}

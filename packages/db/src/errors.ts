import { Prisma } from './generated/prisma/client.ts';

/** A write hit a unique constraint (Postgres 23505, Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, 'P2002', 'UniqueConstraintViolation');
}

/** A write or delete broke a foreign key (Postgres 23503, Prisma P2003). */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasCode(error, 'P2003', 'ForeignKeyConstraintViolation');
}

/**
 * Prisma's error `code` for a model query; a raw query (`$executeRaw`) fails with P2010
 * instead, carrying the driver adapter's classification of the PostgreSQL error as
 * `meta.driverAdapterError.cause.kind`.
 */
function hasCode(error: unknown, code: string, driverAdapterKind: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === code) return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined)?.cause;
  return error.code === 'P2010' && cause?.kind === driverAdapterKind;
}

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

/** Prisma's codes for a server it cannot reach or that went away (prisma.io/docs/orm/reference/error-reference). */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's kinds (@prisma/adapter-pg) for the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** node-postgres socket errors, and messages it throws without a code. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Can't reach database server/;

/**
 * The database server is down, restarting or unreachable (not a fault of the query): a
 * connection refused or cut, Prisma's P1001/P1002/P1008/P1017/P2024, or PostgreSQL's
 * SQLSTATE class 08 (connection exception) or 57P01-57P03 (admin shutdown, crash shutdown,
 * cannot connect now; postgresql.org/docs/current/errcodes-appendix.html). The cause
 * chain is followed. Callers answer 503 and try again later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof Prisma.PrismaClientKnownRequestError) {
      if (UNAVAILABLE_PRISMA_CODES.has(current.code)) return true;
      const cause = (current.meta?.driverAdapterError as { cause?: { kind?: unknown; code?: unknown } })
        ?.cause;
      if (typeof cause?.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
      if (cause?.kind === 'postgres' && isUnavailableSqlState(cause.code)) return true;
    }
    if (current instanceof Prisma.PrismaClientInitializationError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SOCKET_CODES.has(code) || isUnavailableSqlState(code)))
      return true;
    if (UNAVAILABLE_MESSAGES.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

function isUnavailableSqlState(code: unknown): boolean {
  return typeof code === 'string' && (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code));
}

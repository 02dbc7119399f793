import { INT4_MAX } from '@slipway/contracts';
import { z } from 'zod';
import { BadRequestError } from './errors.ts';

/**
 * Keyset pagination cursors: an opaque base64url token holding the last key of a page,
 * so pages stay stable while rows are added or removed.
 */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString('base64url');
}

/** The 400 of a cursor this API did not hand out (or one edited by hand). */
function invalidCursor(): BadRequestError {
  return new BadRequestError('invalid pagination cursor', [
    { field: 'query.cursor', message: 'not a cursor returned by this API; start again without it' },
  ]);
}

/** The last key an {@link encodeCursor} token holds; 400 naming `query.cursor` for anything else. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'after' in parsed && typeof parsed.after === 'string') {
      return parsed.after;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

/**
 * A cursor key that is a row number (run, release): a whole number in 1..2^31 − 1 (a
 * PostgreSQL `integer`), else a 400 naming `query.cursor` — a larger one reached the database
 * and failed there (a 500) before. `key` is the raw query value or a decoded key.
 */
export function numberCursorKey(key: string | undefined): number | undefined {
  if (key === undefined) return undefined;
  if (!/^\d{1,10}$/.test(key)) throw invalidCursor();
  const value = Number(key);
  if (value < 1 || value > INT4_MAX) throw invalidCursor();
  return value;
}

/** The largest PostgreSQL `bigint` (2^63 − 1). */
const INT8_MAX = 9_223_372_036_854_775_807n;

/** A cursor key that is a `bigint` row id: 1..2^63 − 1, else a 400 naming `query.cursor`. */
export function bigintCursorKey(key: string | undefined): bigint | undefined {
  if (key === undefined) return undefined;
  if (!/^\d{1,19}$/.test(key)) throw invalidCursor();
  const value = BigInt(key);
  if (value < 1n || value > INT8_MAX) throw invalidCursor();
  return value;
}

const uuid = z.uuid();

/**
 * A cursor key `<ISO time>|<uuid>` (time-ordered lists: audit events, deliveries, an
 * environment's releases): the time and row id, else a 400 naming `query.cursor` (a row id
 * that is no UUID failed in the database before).
 */
export function timeIdCursorKey(key: string | undefined): { at: Date; id: string } | undefined {
  if (key === undefined) return undefined;
  const [time, id, ...rest] = key.split('|');
  const at = new Date(time ?? '');
  // Years 1–9999: what this API hands out; PostgreSQL's timestamps stop at 4713 BC.
  const year = at.getUTCFullYear();
  if (rest.length > 0 || Number.isNaN(year) || year < 1 || year > 9999 || !uuid.safeParse(id).success) {
    throw invalidCursor();
  }
  return { at, id: id ?? '' };
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and computes the next cursor. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => string,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

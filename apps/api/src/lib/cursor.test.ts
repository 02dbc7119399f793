import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from './cursor.ts';
import { BadRequestError } from './errors.ts';

describe('pagination cursors', () => {
  it('round-trips the last key', () => {
    expect(decodeCursor(encodeCursor('shop-api'))).toBe('shop-api');
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    '%%%',
    Buffer.from('{"before":"x"}').toString('base64url'),
    Buffer.from('[]').toString('base64url'),
  ])('rejects %j as a 400 naming query.cursor', (cursor) => {
    try {
      decodeCursor(cursor);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).details?.[0]?.field).toBe('query.cursor');
    }
  });

  it('trims the look-ahead row and points the cursor at the last row returned', () => {
    const rows = ['a', 'b', 'c'];
    const page = toPage(
      rows,
      2,
      (row) => row,
      (row) => row.toUpperCase(),
    );
    expect(page.items).toEqual(['A', 'B']);
    expect(decodeCursor(page.nextCursor ?? undefined)).toBe('b');
    expect(
      toPage(
        ['a', 'b'],
        2,
        (r) => r,
        (r) => r,
      ).nextCursor,
    ).toBeNull();
  });
});

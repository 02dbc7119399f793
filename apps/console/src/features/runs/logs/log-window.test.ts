import { describe, expect, it } from 'vitest';
import {
  isAtEnd,
  pagesCovering,
  scrollHeightOf,
  scrollTopForRow,
  type Viewport,
  visibleRows,
} from './log-window.ts';

const small: Viewport = { rowCount: 1000, rowHeight: 20, viewportHeight: 400, maxScrollHeight: 10_000_000 };
const huge: Viewport = {
  rowCount: 1_000_000,
  rowHeight: 18,
  viewportHeight: 540,
  maxScrollHeight: 10_000_000,
};

describe('visibleRows', () => {
  it('draws the rows in view plus the overscan, at their natural offset', () => {
    expect(visibleRows(small, 0, 5)).toEqual({ first: 0, end: 25, firstTop: 0 });
    // Scrolled to row 100 exactly: rows 95…125 (20 visible + 5 each side).
    expect(visibleRows(small, 2000, 5)).toEqual({ first: 95, end: 125, firstTop: 1900 });
    // Half a row in: the partly visible row 120 is drawn too.
    expect(visibleRows(small, 2010, 0)).toEqual({ first: 100, end: 121, firstTop: 2000 });
  });

  it('stops at the last row and clamps a scroll position past the end', () => {
    const window = visibleRows(small, 1_000_000, 5);
    expect(window.end).toBe(1000);
    expect(window.first).toBe(1000 - 20 - 5);
  });

  it('draws nothing for an empty log and everything for a short one', () => {
    expect(visibleRows({ ...small, rowCount: 0 }, 0)).toEqual({ first: 0, end: 0, firstTop: 0 });
    expect(visibleRows({ ...small, rowCount: 3 }, 0)).toEqual({ first: 0, end: 3, firstTop: 0 });
  });

  it('caps the scrollable height of a million rows and still reaches every row', () => {
    expect(scrollHeightOf(huge)).toBe(10_000_000);
    expect(visibleRows(huge, 0, 0).first).toBe(0);
    const bottom = visibleRows(huge, scrollHeightOf(huge) - huge.viewportHeight, 0);
    expect(bottom.end).toBe(1_000_000);
    expect(bottom.first).toBe(1_000_000 - 30);
    // The last row ends exactly at the bottom of the capped content.
    expect(bottom.firstTop + (bottom.end - bottom.first) * huge.rowHeight).toBeCloseTo(10_000_000, 6);
    // Halfway down the scrollbar is halfway through the log.
    const middle = visibleRows(huge, (scrollHeightOf(huge) - huge.viewportHeight) / 2, 0);
    expect(middle.first).toBeGreaterThan(499_000);
    expect(middle.first).toBeLessThan(501_000);
  });

  it('keeps drawn rows inside the visible area while scaled (no gaps or jumps)', () => {
    for (const scrollTop of [0, 1234.5, 4_999_999, 9_999_000]) {
      const window = visibleRows(huge, scrollTop, 0);
      const clamped = Math.min(scrollTop, scrollHeightOf(huge) - huge.viewportHeight);
      expect(window.firstTop).toBeLessThanOrEqual(clamped);
      expect(window.firstTop).toBeGreaterThan(clamped - huge.rowHeight);
      expect(window.firstTop + (window.end - window.first) * huge.rowHeight).toBeGreaterThanOrEqual(
        clamped + huge.viewportHeight,
      );
    }
  });
});

describe('scrollTopForRow', () => {
  it('centres a row in the view, clamped at the ends', () => {
    expect(scrollTopForRow(small, 100)).toBe(100 * 20 - 190);
    expect(scrollTopForRow(small, 2)).toBe(0);
    expect(scrollTopForRow(small, 999)).toBe(1000 * 20 - 400);
  });

  it('puts the tail row at the bottom', () => {
    expect(scrollTopForRow(small, 999, 'end')).toBe(20_000 - 400);
    expect(scrollTopForRow(small, 50, 'end')).toBe(51 * 20 - 400);
  });

  it('maps back through the cap: the row it scrolls to is the row shown', () => {
    for (const row of [0, 1, 123_456, 654_321, 999_999]) {
      const window = visibleRows(huge, scrollTopForRow(huge, row), 0);
      expect(row).toBeGreaterThanOrEqual(window.first);
      expect(row).toBeLessThan(window.end);
    }
  });
});

describe('isAtEnd', () => {
  it('is true only when the last row is in view', () => {
    expect(isAtEnd(small, 20_000 - 400)).toBe(true);
    expect(isAtEnd(small, 20_000 - 402)).toBe(true);
    expect(isAtEnd(small, 19_000)).toBe(false);
    expect(isAtEnd({ ...small, rowCount: 5 }, 0)).toBe(true);
  });
});

describe('pagesCovering', () => {
  it('lists each page that holds a drawn row', () => {
    expect(pagesCovering(0, 10, 500)).toEqual([0]);
    expect(pagesCovering(495, 530, 500)).toEqual([0, 1]);
    expect(pagesCovering(500, 1000, 500)).toEqual([1]);
    expect(pagesCovering(10, 10, 500)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { LogPageCache } from './log-page-cache.ts';

const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`);

describe('LogPageCache', () => {
  it('asks for the pages it lacks, then serves their lines by 1-based number', () => {
    const cache = new LogPageCache(100, 10);
    expect(cache.missing([0, 1], 150)).toEqual([0, 1]);
    cache.storePage(0, lines(1, 100), 150);
    cache.storePage(1, lines(101, 50), 150);
    expect(cache.missing([0, 1], 150)).toEqual([]);
    expect(cache.line(1)).toBe('line 1');
    expect(cache.line(150)).toBe('line 150');
    expect(cache.line(151)).toBeUndefined();
    expect(cache.firstLineOf(1)).toBe(101);
  });

  it('does not ask again for a page already fetched at this length, only once the log grew', () => {
    const cache = new LogPageCache(100, 10);
    cache.storePage(0, lines(1, 40), 50); // the archive lagged behind the count
    expect(cache.missing([0], 50)).toEqual([]);
    expect(cache.missing([0], 60)).toEqual([0]);
  });

  it('appends live lines to the page they continue and starts new pages at their first line', () => {
    const cache = new LogPageCache(100, 10);
    cache.storePage(0, lines(1, 98), 98);
    expect(cache.appendLive(99, lines(99, 5))).toBe(true);
    expect(cache.line(100)).toBe('line 100');
    expect(cache.line(103)).toBe('line 103');
    expect(cache.missing([0, 1], 103)).toEqual([]);
  });

  it('drops live lines that would leave a gap; that page is fetched instead', () => {
    const cache = new LogPageCache(100, 10);
    expect(cache.appendLive(250, ['late'])).toBe(false);
    expect(cache.line(250)).toBeUndefined();
    expect(cache.missing([2], 250)).toEqual([2]);
  });

  it('keeps a page that live lines made longer than a slower fetch', () => {
    const cache = new LogPageCache(100, 10);
    cache.appendLive(1, lines(1, 20));
    cache.storePage(0, lines(1, 10), 10);
    expect(cache.line(20)).toBe('line 20');
  });

  it('holds at most maxPages, dropping the least recently drawn', () => {
    const cache = new LogPageCache(10, 3);
    for (const page of [0, 1, 2]) cache.storePage(page, lines(page * 10 + 1, 10), 1000);
    cache.missing([0], 1000); // page 0 drawn again: page 1 is now the oldest
    cache.storePage(3, lines(31, 10), 1000);
    expect(cache.pageCount).toBe(3);
    expect(cache.line(1)).toBe('line 1');
    expect(cache.line(11)).toBeUndefined();
    expect(cache.missing([1], 1000)).toEqual([1]);
  });
});

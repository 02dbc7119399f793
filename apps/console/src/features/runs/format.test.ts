import { describe, expect, it } from 'vitest';
import { elapsed, formatDuration } from './format.ts';

describe('formatDuration', () => {
  it('picks the unit that reads best', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('elapsed', () => {
  it('runs to the finish, or to now while going, and is empty before the start', () => {
    const start = '2025-01-01T00:00:00.000Z';
    expect(elapsed(start, '2025-01-01T00:00:07.000Z', 0)).toBe('7s');
    expect(elapsed(start, null, Date.parse(start) + 61_000)).toBe('1m 01s');
    expect(elapsed(null, null, 0)).toBe('');
  });
});

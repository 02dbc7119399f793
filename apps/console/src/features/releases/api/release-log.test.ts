import { describe, expect, it } from 'vitest';
import { appendLogLines, lastSeq } from './release-log.ts';

const line = (seq: number) => ({ seq, at: '2026-12-01T00:00:00.000Z', text: `line ${seq}` });

describe('release deploy log polling', () => {
  it('asks for everything first, then for lines after the last one held', () => {
    expect(lastSeq(undefined)).toBeUndefined();
    expect(lastSeq({ lines: [], complete: false })).toBeUndefined();
    expect(lastSeq({ lines: [line(1), line(2)], complete: false })).toBe(2);
  });

  it('appends newer lines in order, keeps a line sent twice once, and takes completeness from the poll', () => {
    const first = appendLogLines(undefined, { lines: [line(1), line(2)], complete: false });
    expect(first).toEqual({ lines: [line(1), line(2)], complete: false });
    const second = appendLogLines(first, { lines: [line(4), line(2), line(3)], complete: true });
    expect(second.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(second.complete).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { readySince } from './job-ready.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, seconds));

describe('readySince', () => {
  it('is the creation of a job of the first stage (the run requested)', () => {
    const job = { stageIndex: 0, createdAt: at(0), finishedAt: null };
    expect(readySince([job, { stageIndex: 0, finishedAt: at(9) }], job)).toEqual(at(0));
  });

  it('is the end of the last job of the earlier stages, not of its own stage or later ones', () => {
    const job = { stageIndex: 2, createdAt: at(0), finishedAt: null };
    const jobs = [
      { stageIndex: 0, finishedAt: at(5) },
      { stageIndex: 1, finishedAt: at(12) },
      { stageIndex: 1, finishedAt: at(8) },
      { stageIndex: 2, finishedAt: at(30) },
      { stageIndex: 3, finishedAt: at(40) },
      job,
    ];
    expect(readySince(jobs, job)).toEqual(at(12));
  });

  it('is the creation of a retry attempt made after the earlier stages ended', () => {
    const retry = { stageIndex: 1, createdAt: at(20), finishedAt: null };
    expect(readySince([{ stageIndex: 0, finishedAt: at(5) }, retry], retry)).toEqual(at(20));
  });
});

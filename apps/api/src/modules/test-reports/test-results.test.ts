import type { TestCase } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { compareTestRuns, totalsOf } from './test-results.ts';

function c(name: string, status: TestCase['status'], more: Partial<TestCase> = {}): TestCase {
  return { job: 'unit', stage: 'test', suite: 's', classname: 'k', name, status, ...more };
}

const names = (list: { name: string }[]) => list.map((x) => x.name);

describe('compareTestRuns', () => {
  it('sorts failures first, then skips, then passes, keeping report order within each', () => {
    const { cases } = compareTestRuns(
      [c('a', 'passed'), c('b', 'failed'), c('c', 'skipped'), c('d', 'passed'), c('e', 'failed')],
      null,
    );
    expect(cases.map((x) => `${x.name}:${x.status}`)).toEqual([
      'b:failed',
      'e:failed',
      'c:skipped',
      'a:passed',
      'd:passed',
    ]);
  });

  it('without a previous run every failure is new', () => {
    const { comparison, cases } = compareTestRuns([c('a', 'failed'), c('b', 'passed')], null);
    expect(comparison).toEqual({
      previousRun: null,
      newFailures: [{ job: 'unit', stage: 'test', suite: 's', classname: 'k', name: 'a' }],
      fixed: [],
      stillFailing: [],
    });
    expect(cases[0]?.change).toBe('new');
    expect(cases[1]?.change).toBeUndefined();
  });

  it('splits failures into new and still failing, and finds the fixed ones', () => {
    const previous = {
      number: 7,
      cases: [
        c('still', 'failed'),
        c('fixed', 'failed'),
        c('skippedNow', 'failed'),
        c('wasSkipped', 'skipped'),
      ],
    };
    const { comparison } = compareTestRuns(
      [
        c('still', 'failed'),
        c('fixed', 'passed'),
        c('skippedNow', 'skipped'),
        c('wasSkipped', 'failed'),
        c('brandNew', 'failed'),
      ],
      previous,
    );
    expect(comparison.previousRun).toBe(7);
    expect(names(comparison.stillFailing)).toEqual(['still']);
    expect(names(comparison.newFailures)).toEqual(['wasSkipped', 'brandNew']);
    expect(names(comparison.fixed)).toEqual(['fixed']);
  });

  it('tells cases apart by stage, job, suite and classname as well as name', () => {
    const previous = { number: 1, cases: [c('t', 'failed', { classname: 'tests.a' })] };
    const { comparison } = compareTestRuns(
      [c('t', 'failed', { classname: 'tests.b' }), c('t', 'passed', { classname: 'tests.a' })],
      previous,
    );
    expect(comparison.newFailures.map((x) => x.classname)).toEqual(['tests.b']);
    expect(comparison.fixed.map((x) => x.classname)).toEqual(['tests.a']);
    const otherJob = compareTestRuns([c('t', 'failed', { classname: 'tests.a', job: 'e2e' })], previous);
    expect(otherJob.comparison.stillFailing).toEqual([]);
  });

  it('counts a case reported twice once, failed if either report failed', () => {
    const { comparison } = compareTestRuns([c('twice', 'failed'), c('twice', 'passed')], {
      number: 1,
      cases: [c('twice', 'passed'), c('twice', 'failed')],
    });
    expect(names(comparison.stillFailing)).toEqual(['twice']);
    expect(comparison.newFailures).toEqual([]);
    expect(comparison.fixed).toEqual([]);
  });
});

describe('totalsOf', () => {
  it('counts each status', () => {
    expect(totalsOf([c('a', 'passed'), c('b', 'failed'), c('c', 'skipped'), c('d', 'failed')])).toEqual({
      total: 4,
      passed: 1,
      failed: 2,
      skipped: 1,
    });
  });
});

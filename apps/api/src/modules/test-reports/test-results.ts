import type { TestCase, TestCaseRef, TestComparison, TestStatus } from '@slipway/contracts';

/** Failures first, then skips, then passes (the order the Tests tab reads in). */
const STATUS_ORDER: Record<TestStatus, number> = { failed: 0, skipped: 1, passed: 2 };

/** The identity of a case across runs: stage, job, suite, classname and name. */
export function caseKey(c: TestCaseRef): string {
  return JSON.stringify([c.stage, c.job, c.suite, c.classname, c.name]);
}

function refOf(c: TestCaseRef): TestCaseRef {
  return { job: c.job, stage: c.stage, suite: c.suite, classname: c.classname, name: c.name };
}

/**
 * Compares a run's cases with the previous run's (null: there is none, and every failure is
 * new). A case failing now is `new` unless it failed before too (`still`); a case that
 * failed before and passes now is `fixed` (one skipped or gone now is neither). Returns the
 * comparison and the cases with `change` set on failures, failures first (a stable sort:
 * job and report order stay within each status).
 */
export function compareTestRuns(
  current: readonly TestCase[],
  previous: { number: number; cases: readonly TestCase[] } | null,
): { comparison: TestComparison; cases: TestCase[] } {
  const before = new Map<string, TestStatus>();
  for (const c of previous?.cases ?? []) {
    const key = caseKey(c);
    // A case reported twice (two files, a rerun) counts as failed if either failed.
    if (before.get(key) !== 'failed') before.set(key, c.status);
  }
  const comparison: TestComparison = {
    previousRun: previous?.number ?? null,
    newFailures: [],
    fixed: [],
    stillFailing: [],
  };
  const seen = new Set<string>();
  const cases = current.map((c): TestCase => {
    const key = caseKey(c);
    const was = before.get(key);
    const first = !seen.has(key);
    seen.add(key);
    if (c.status === 'failed') {
      const change = was === 'failed' ? 'still' : 'new';
      if (first) (change === 'still' ? comparison.stillFailing : comparison.newFailures).push(refOf(c));
      return { ...c, change };
    }
    if (c.status === 'passed' && was === 'failed' && first) comparison.fixed.push(refOf(c));
    return c;
  });
  // A case that both failed and passed now (reported twice) is not also "fixed".
  const failingNow = new Set(cases.filter((c) => c.status === 'failed').map(caseKey));
  comparison.fixed = comparison.fixed.filter((c) => !failingNow.has(caseKey(c)));
  cases.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  return { comparison, cases };
}

/** The totals of a run's cases. */
export function totalsOf(cases: readonly TestCase[]) {
  const count = (status: TestStatus) => cases.filter((c) => c.status === status).length;
  return { total: cases.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

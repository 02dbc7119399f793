import type { TestCaseRef } from '@slipway/contracts';

/**
 * A case's name as the Tests tab shows it: after its classname when that says more than the
 * suite and the name do (pytest's `tests.test_math › test_add`; not Surefire's or vitest's,
 * whose classname is the suite, nor jest-junit's, whose name starts with it).
 */
export function caseTitle(c: TestCaseRef): string {
  const saysMore = c.classname !== '' && c.classname !== c.suite && !c.name.startsWith(c.classname);
  return saysMore ? `${c.classname} › ${c.name}` : c.name;
}

/**
 * Each case with a React key of its own: its identity, numbered when a report lists the same
 * case more than once.
 */
export function keyed<T extends TestCaseRef>(cases: readonly T[]): Array<{ key: string; item: T }> {
  const seen = new Map<string, number>();
  return cases.map((item) => {
    const identity = JSON.stringify([item.stage, item.job, item.suite, item.classname, item.name]);
    const count = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, count);
    return { key: `${identity}#${count}`, item };
  });
}

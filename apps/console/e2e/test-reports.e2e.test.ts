import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

const RUNS = `/api/v1/workspaces/qa/projects/shop/pipelines/ci/runs`;

/** A vitest-style report of suite `src/cart.test.ts`: `name: status`. */
function report(cases: Record<string, 'passed' | 'failed' | 'skipped'>): string {
  const body = Object.entries(cases)
    .map(([name, status]) => {
      const open = `<testcase classname="src/cart.test.ts" name="cart &gt; ${name}" time="0.012">`;
      if (status === 'failed') {
        return `${open}<failure message="expected ${name} to work" type="AssertionError">AssertionError: expected ${name} to work\n ❯ src/cart.test.ts:${name.length}:7</failure></testcase>`;
      }
      if (status === 'skipped') return `${open}<skipped/></testcase>`;
      return `${open}</testcase>`;
    })
    .join('');
  return `<?xml version="1.0"?><testsuites name="vitest tests"><testsuite name="src/cart.test.ts">${body}</testsuite></testsuites>`;
}

/** `text` as lines of a YAML block scalar indented by `spaces`. */
function indented(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}

/**
 * The test job writes its reports as a test runner would and fails when a test failed; its
 * `reports.junit` uploads them after the failed step. Run 1 and the runs after it report
 * differently, and the later ones also leave a broken report.
 */
const PIPELINE = `stages:
  - name: test
    jobs:
      - name: unit
        image: node:24
        reports: { junit: 'reports/*.xml' }
        steps:
          - name: test
            run: |
              mkdir -p reports
              if [ "\${{ run.number }}" = 1 ]; then
              cat > reports/unit.xml <<'XML'
${indented(report({ adds: 'passed', coupon: 'failed', totals: 'failed' }), 14)}
              XML
              else
              cat > reports/unit.xml <<'XML'
${indented(report({ adds: 'passed', coupon: 'passed', totals: 'failed', ships: 'failed', rounds: 'skipped' }), 14)}
              XML
              printf '<testsuites>\\n  <testsuite name="x">\\n</testsuites>\\n' > reports/broken.xml
              fi
              echo "2 tests failed"
              exit 1
`;

/** Starts a run and waits until it has ended (the API, not the page): its test job fails. */
async function finishedRun(page: Page): Promise<number> {
  const created = await api(page, 'POST', RUNS, { releaseType: 'default', environment: 'dev' });
  const { number } = (await created.json()) as { number: number };
  await expect
    .poll(
      async () => {
        const run = await api(page, 'GET', `${RUNS}/${number}`);
        return ((await run.json()) as { status: string }).status;
      },
      { timeout: 120_000, interval: 250 },
    )
    .toBe('failed');
  return number;
}

describe.skipIf(browserSkipReason())('the run page’s Tests tab', () => {
  const fixture = useConsole();

  it('shows totals, failures first with new / still failing badges and their stack, what was fixed, and warnings', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'qa', name: 'QA' });
    await api(page, 'POST', '/api/v1/workspaces/qa/projects', { slug: 'shop', name: 'Shop' });
    await api(page, 'POST', '/api/v1/workspaces/qa/environments', { name: 'dev' });
    await api(page, 'POST', '/api/v1/workspaces/qa/projects/shop/pipelines', { name: 'ci', spec: PIPELINE });

    // Real runs: the job writes its reports and its upload step sends them to the server.
    const first = await finishedRun(page);
    const second = await finishedRun(page);

    // The run page opens on its jobs; the Tests tab is one click (and a URL) away.
    await page.goto(`/workspaces/qa/projects/shop/pipelines/ci/runs/${second}`);
    await page.getByRole('tab', { name: 'Tests' }).click();
    await page.waitForURL(/\?tab=tests$/);
    const results = page.getByRole('region', { name: 'Test results' });
    await expect
      .poll(() => results.getByTestId('test-totals').textContent())
      .toBe(
        `5 tests: 2 failed 1 skipped 2 passed · compared with run #${first}: 1 new, 1 still failing, 1 fixed`,
      );

    // Failures first, each with its badge and message; the stack opens on demand.
    const failures = results.getByRole('list', { name: 'Failures' }).getByRole('listitem');
    await expect.poll(() => failures.count()).toBe(2);
    expect(await failures.nth(0).textContent()).toMatch(
      /^still failing cart > totals src\/cart\.test\.ts · test \/ unit · 12ms/,
    );
    expect(await failures.nth(1).textContent()).toMatch(/^new cart > ships/);
    expect(await failures.nth(1).textContent()).toContain('expected ships to work');
    const stack = failures.nth(0).getByText('AssertionError: expected totals to work');
    expect(await stack.isVisible()).toBe(false);
    await failures.nth(0).getByText('Stack trace').click();
    await stack.waitFor();
    expect(await stack.textContent()).toContain('❯ src/cart.test.ts:6:7');

    // What the previous run failed and this one passes.
    const fixed = results.getByRole('list', { name: 'Fixed' }).getByRole('listitem');
    expect(await fixed.allTextContents()).toEqual(['fixed cart > coupon src/cart.test.ts · test / unit']);

    // The file that could not be read is named, with where it breaks.
    expect(await results.getByRole('list', { name: 'Report warnings' }).textContent()).toBe(
      "test / unit: reports/broken.xml — 3:1: Expected closing tag 'testsuite' (opened in line 2, col 3) instead of closing tag 'testsuites'.",
    );

    // The other cases, in a table.
    const rows = results.getByRole('table', { name: 'Passed and skipped tests' }).getByRole('row');
    expect(await rows.allTextContents()).toEqual([
      'StatusTestSuiteJobDuration',
      'skippedcart > roundssrc/cart.test.tstest / unit12ms',
      'passedcart > addssrc/cart.test.tstest / unit12ms',
      'passedcart > couponsrc/cart.test.tstest / unit12ms',
    ]);
    await expectAccessible(page);

    // A run without reports says how to get them; the compared run links back.
    await page.getByRole('link', { name: `#${first}`, exact: true }).click();
    await page.waitForURL(new RegExp(`/runs/${first}$`));
    await page.getByRole('tab', { name: 'Tests' }).click();
    await expect
      .poll(() => page.getByTestId('test-totals').textContent())
      .toBe('3 tests: 2 failed 0 skipped 1 passed · no earlier run on this branch to compare with');
  });
});

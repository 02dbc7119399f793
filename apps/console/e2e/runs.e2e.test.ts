import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, fieldError } from './helpers.ts';

// Runs on the local executor (the environment has no cluster): every step is a real shell.
const PIPELINE = `parameters:
  - name: greeting
    type: string
    pattern: "^[a-z ]+$"
releaseTypes:
  full:
    parameters: [greeting]
  quick: { stages: [test] }
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - name: hello
            run: |
              sleep 2
              echo "greeting: \${{ params.greeting }}"
              for i in $(seq 1 3000); do echo "line $i"; done
              printf '\\033[32mgreen done\\033[0m\\n'
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps:
          - name: check
            run: echo "tests passed"
`;

/** Rows of the log viewer currently in the DOM. */
function drawnLines(page: Page) {
  return page.getByRole('log', { name: 'Lines of hello' }).locator('.log-line');
}

describe.skipIf(browserSkipReason())('pipeline runs in the console', () => {
  const fixture = useConsole();

  it('runs a pipeline from the Run dialog, follows it live and reads, searches and links its log', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    // The page warns about any frame of the run's event stream the contract does not know.
    const ignoredFrames: string[] = [];
    page.on('console', (message) => {
      if (message.text().startsWith('run event stream')) ignoredFrames.push(message.text());
    });
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'shipyard', name: 'Shipyard' });
    await api(page, 'POST', '/api/v1/workspaces/shipyard/projects', { slug: 'app', name: 'App' });
    await api(page, 'POST', '/api/v1/workspaces/shipyard/environments', { name: 'dev' });
    await api(page, 'POST', '/api/v1/workspaces/shipyard/projects/app/pipelines', {
      name: 'ci',
      spec: PIPELINE,
    });

    await page.goto('/workspaces/shipyard/projects/app');
    await page.getByRole('link', { name: 'Runs of ci' }).click();
    await page.getByText('No runs yet').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run ci' });
    await dialog.getByLabel('Release type').selectOption('full');
    await dialog.getByLabel('Environment').selectOption('dev');

    // A value the pattern refuses: the server's message shows next to the field.
    await dialog.getByLabel('greeting').fill('Hello 123');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    // The field's own message (the dialog's banner may say the same, depending on timing).
    await expect
      .poll(async () => (await fieldError(dialog, 'greeting')).textContent())
      .toBe('must match ^[a-z ]+$');

    await dialog.getByLabel('greeting').fill('hello there');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/pipelines\/ci\/runs\/1$/);

    // Live: the job is seen running, then succeeded, without reloading the page.
    const compile = page.getByRole('button', { name: /^Job compile: / });
    await page.getByRole('button', { name: /^Job compile: (pending|running)$/ }).waitFor();
    await page.getByRole('button', { name: 'Job compile: succeeded' }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Job unit: succeeded' }).waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: /Run #1\s+succeeded/ }).waitFor();
    expect(ignoredFrames).toEqual([]);

    await compile.click();
    await page.getByRole('button', { name: 'Step hello: succeeded' }).click();
    const lines = page.getByRole('log', { name: 'Lines of hello' });
    await lines.getByText('greeting: hello there').waitFor();
    // Virtualised: 3,000+ lines, only a screenful (plus overscan) in the DOM.
    await page.getByText(/^3,?003 lines/).waitFor();
    expect(await drawnLines(page).count()).toBeLessThan(100);

    // Server-side search; a hit scrolls to its line, links it and marks it.
    const log = page.getByRole('region', { name: 'Log of hello' });
    await log.getByLabel('Search the log').fill('line 2500');
    await log.getByRole('button', { name: 'Search' }).click();
    const hit = log
      .getByRole('list', { name: 'Search hits' })
      .getByRole('button', { name: /^2502\s*line 2500$/ });
    await hit.click();
    await page.waitForURL(/#L2502$/);
    const target = lines.locator('.log-line-target');
    await target.waitFor();
    expect(await target.getAttribute('data-line')).toBe('2502');
    // The page holding the line is fetched when the row is drawn.
    await expect.poll(() => target.textContent()).toBe('2502line 2500');

    // ANSI colours become classes, the escape codes are gone.
    await log.getByLabel('Search the log').fill('green done');
    await log.getByRole('button', { name: 'Search' }).click();
    await log
      .getByRole('list', { name: 'Search hits' })
      .getByRole('button', { name: /green done/ })
      .click();
    const green = lines.locator('.log-fg-green');
    await green.waitFor();
    expect(await green.textContent()).toBe('green done');

    // A link to a line opens the log there.
    const url = new URL(page.url());
    await page.goto(`${url.pathname}${url.search}#L42`);
    await page.reload();
    // The page of lines arrives after the row is drawn (as "…").
    await expect.poll(() => lines.locator('.log-line-target').textContent()).toBe('42line 40');

    // The download link serves the whole log as text.
    const download = await log.getByRole('link', { name: 'Download' }).getAttribute('href');
    const text = await (await page.request.get(download ?? '')).text();
    expect(text.split('\n').filter((line) => line.startsWith('line ')).length).toBe(3000);

    // The history lists the run; "Fill in the last values" fills the dialog in for review,
    // and only "Start run" starts run 2.
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'runs' }).click();
    const history = page.getByRole('table', { name: 'Runs' });
    await history.getByRole('link', { name: '#1' }).waitFor();
    await expect.poll(() => history.getByRole('row').nth(1).textContent()).toContain('succeeded');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const again = page.getByRole('dialog', { name: 'Run ci' });
    await again.getByRole('button', { name: 'Fill in the last values' }).click();
    await again.getByRole('status').getByText('Filled in from run #1: review and click Start run.').waitFor();
    expect(await again.getByLabel('Release type').inputValue()).toBe('full');
    expect(await again.getByLabel('Environment').inputValue()).toBe('dev');
    expect(await again.getByLabel('greeting').inputValue()).toBe('hello there');
    expect(page.url()).toMatch(/\/runs$/);
    await again.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/2$/);
    await page.getByRole('list', { name: 'Parameters' }).getByText('hello there').waitFor();
  });
});

describe.skipIf(browserSkipReason())('the seeded demo', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });

  it('runs the demo pipeline ci (release type full, environment local) to success', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await page.goto('/workspaces/demo/projects/hello/pipelines/ci/runs');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run ci' });
    await dialog.getByLabel('Release type').selectOption('full');
    await dialog.getByLabel('Environment').selectOption('local');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/1$/);
    await page.getByRole('heading', { name: /Run #1\s+succeeded/ }).waitFor({ timeout: 120_000 });
    for (const job of ['source', 'unit', 'package']) {
      await page.getByRole('button', { name: `Job ${job}: succeeded` }).waitFor();
    }
    await page.getByRole('button', { name: /^Job unit: / }).click();
    await page.getByRole('button', { name: 'Step node-test: succeeded' }).click();
    const log = page.getByRole('region', { name: 'Log of node-test' });
    await log.getByLabel('Search the log').fill('pass');
    await log.getByRole('button', { name: 'Search' }).click();
    await log.getByRole('list', { name: 'Search hits' }).getByRole('button').first().click();
    await page.getByRole('log', { name: 'Lines of node-test' }).locator('.log-line-target').waitFor();
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

// A real run on the local executor (the environment has no cluster): the build job's upload
// step stores dist/**, the test job of the next stage gets it restored and reads it.
const PIPELINE = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        artifacts:
          paths: [dist/**]
          expireIn: 7d
        steps:
          - run: mkdir -p dist/web && printf 'built by compile\\n' > dist/app.txt && printf '<h1>hi</h1>' > dist/web/index.html
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps:
          - run: grep 'built by compile' dist/app.txt
`;
const RUNS = '/api/v1/workspaces/yard/projects/app/pipelines/ship/runs';

describe.skipIf(browserSkipReason())('run artifacts in the console', () => {
  const fixture = useConsole();

  it('lists a run’s artifacts per job with size and expiry, and downloads a job’s .tar.gz', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'yard', name: 'Yard' });
    await api(page, 'POST', '/api/v1/workspaces/yard/projects', { slug: 'app', name: 'App' });
    await api(page, 'POST', '/api/v1/workspaces/yard/environments', { name: 'dev' });
    await api(page, 'POST', '/api/v1/workspaces/yard/projects/app/pipelines', {
      name: 'ship',
      spec: PIPELINE,
    });
    const started = await api(page, 'POST', RUNS, { releaseType: 'default', environment: 'dev' });
    const { number } = (await started.json()) as { number: number };

    await page.goto(`/workspaces/yard/projects/app/pipelines/ship/runs/${number}`);
    const section = page.getByTestId('run-artifacts');
    // The page is live: the list is read again as jobs end, until the run has succeeded.
    await expect
      .poll(
        async () =>
          ((await (await api(page, 'GET', `${RUNS}/${number}`)).json()) as { status: string }).status,
        {
          timeout: 120_000,
        },
      )
      .toBe('succeeded');
    const table = section.getByRole('table', { name: 'Artifacts' });
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    expect(rows.map((cells) => cells.slice(0, 2))).toEqual([
      ['dist/app.txt', '17 bytes'],
      ['dist/web/index.html', '11 bytes'],
    ]);
    // Expires in about a week (expireIn: 7d).
    const expiries = await table
      .locator('time')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')));
    expect(expiries).toHaveLength(2);
    for (const at of expiries) expect(Date.parse(at ?? '') - Date.now()).toBeGreaterThan(6 * 24 * 3_600_000);
    await expectAccessible(page);

    const link = section.getByRole('link', { name: 'Download .tar.gz of the artifacts of compile' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`ship-${number}-compile.tar.gz`);
    const file = await download.path();
    expect(execFileSync('tar', ['-xzOf', file, 'dist/app.txt']).toString()).toBe('built by compile\n');
    expect(execFileSync('tar', ['-tzf', file]).toString().split('\n').filter(Boolean)).toEqual([
      'dist/app.txt',
      'dist/web/index.html',
    ]);
  });
});

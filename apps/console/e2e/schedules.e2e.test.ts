import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, fieldError } from './helpers.ts';

const PIPELINE = `parameters:
  - name: target
    type: string
    default: all
releaseTypes:
  full:
    parameters: [target]
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - run: echo "building \${{ params.target }}"
`;
const SCHEDULES = '/api/v1/workspaces/dock/projects/app/pipelines/nightly/schedules';

describe.skipIf(browserSkipReason())('schedules in the console', () => {
  const fixture = useConsole();

  it('creates a schedule with its next five fire times, shows errors at the field, toggles it, and links the run a tick started', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'dock', name: 'Dock' });
    await api(page, 'POST', '/api/v1/workspaces/dock/projects', { slug: 'app', name: 'App' });
    await api(page, 'POST', '/api/v1/workspaces/dock/environments', { name: 'dev' });
    await api(page, 'POST', '/api/v1/workspaces/dock/projects/app/pipelines', {
      name: 'nightly',
      spec: PIPELINE,
    });

    await page.goto('/workspaces/dock/projects/app/pipelines/nightly');
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByText('No schedules yet.').waitFor();
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create schedule' });
    await dialog.getByLabel('Cron', { exact: true }).fill('0 9 * * 1-5');
    await dialog.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus');
    await dialog.getByLabel('Release type', { exact: true }).selectOption('full');
    await dialog.getByLabel('Environment', { exact: true }).selectOption('dev');
    await dialog.getByLabel('Parameters', { exact: true }).fill('target=web');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    // The API's refusal shows at the field it names.
    expect(await (await fieldError(dialog, 'Time zone')).textContent()).toMatch(/unknown time zone/);
    await dialog.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await dialog.getByLabel('Cron', { exact: true }).fill('0 25 * * *');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    expect(await (await fieldError(dialog, 'Cron')).textContent()).toMatch(/invalid cron expression/);
    await dialog.getByLabel('Cron', { exact: true }).fill('0 9 * * 1-5');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await dialog.waitFor({ state: 'detached' });

    const table = page.getByRole('table', { name: 'Schedules' });
    const times = table.getByRole('list', { name: 'next fire times of 0 9 * * 1-5' }).locator('time');
    await expect.poll(() => times.count()).toBe(5);
    for (const at of await times.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime') ?? ''))) {
      // 09:00 in Berlin, on a weekday: 07:00 or 08:00 UTC.
      expect([7, 8]).toContain(new Date(at).getUTCHours());
      expect([1, 2, 3, 4, 5]).toContain(new Date(at).getUTCDay());
    }
    await table.getByText('full → dev').waitFor();

    await table.getByRole('button', { name: 'Disable' }).click();
    await table.getByText('disabled', { exact: true }).first().waitFor();
    await expect.poll(() => times.count()).toBe(0);
    await table.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => times.count()).toBe(5);

    // A schedule firing every second: the leading server starts a run, linked from its row.
    const every = await api(page, 'POST', SCHEDULES, {
      cron: '* * * * * *',
      timezone: 'UTC',
      releaseType: 'full',
      environment: 'dev',
    });
    const { id } = (await every.json()) as { id: string };
    await page.reload();
    const runLink = table.getByRole('link', { name: /^run #\d+$/ }).first();
    await runLink.waitFor({ timeout: 60_000 });
    await api(page, 'PATCH', `${SCHEDULES}/${id}`, { enabled: false });
    await runLink.click();
    await page.waitForURL(/\/pipelines\/nightly\/runs\/\d+$/);
    const run = await api(page, 'GET', `/api/v1/workspaces/dock/projects/app/pipelines/nightly/runs/1`);
    expect(((await run.json()) as { trigger: string }).trigger).toBe('schedule');
  });
});

import { randomBytes } from 'node:crypto';
import type { Run } from '@slipway/contracts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

// Deleting an environment whose run is still going: the dialog shows the API's refusal with
// the run linked, and "Cancel 1 run and delete" cancels the run and deletes the environment.
// The run goes to the local executor (no cluster): a real shell step that would sleep for ten minutes.

const SPEC = `stages:
  - name: s
    jobs:
      - name: wait
        image: alpine:3.22
        steps:
          - run: sleep 600
`;

/** A workspace with project `app`, environment `dev` (no cluster) and run #1 of `long` going in it. */
async function busyWorkspace(page: Page) {
  const ws = `busy-${randomBytes(3).toString('hex')}`;
  const pipelines = `/api/v1/workspaces/${ws}/projects/app/pipelines`;
  await api(page, 'POST', '/api/v1/workspaces', { slug: ws, name: ws });
  await api(page, 'POST', `/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'App' });
  await api(page, 'POST', `/api/v1/workspaces/${ws}/environments`, { name: 'dev' });
  await api(page, 'POST', pipelines, { name: 'long', spec: SPEC });
  await api(page, 'POST', `${pipelines}/long/runs`, { releaseType: 'default', environment: 'dev' });
  return { ws, pipelines };
}

describe.skipIf(browserSkipReason())('deleting with an active run', () => {
  const fixture = useConsole();

  it('the environment dialog names the run, links it, and cancels it and deletes on request', async () => {
    const { page } = fixture;
    await fixture.signIn();
    const { ws, pipelines } = await busyWorkspace(page);

    await page.goto(`/workspaces/${ws}/environments/dev`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete environment' });
    await dialog.getByRole('button', { name: 'Delete environment' }).click();

    await dialog
      .getByRole('alert')
      .getByText(/environment "dev" has 1 active run/)
      .waitFor();
    const runs = dialog.getByRole('region', { name: 'Active runs' });
    const link = runs.getByRole('link', { name: `${ws}/app/long #1` });
    expect(await link.getAttribute('href')).toBe(`/workspaces/${ws}/projects/app/pipelines/long/runs/1`);
    // Still there: nothing was deleted or cancelled by the refused attempt.
    expect(((await (await api(page, 'GET', `${pipelines}/long/runs/1`)).json()) as Run).status).toMatch(
      /queued|running/,
    );

    await runs.getByRole('button', { name: 'Cancel 1 run and delete' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${ws}/environments$`));
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    const run = (await (await api(page, 'GET', `${pipelines}/long/runs/1`)).json()) as Run;
    expect(run).toMatchObject({
      status: 'cancelled',
      message: 'cancelled: environment dev deleted by admin',
    });
    const gone = await page.request.get(`/api/v1/workspaces/${ws}/environments/dev`);
    expect(gone.status()).toBe(404);
  });

  it('the project dialog does the same', async () => {
    const { page } = fixture;
    await fixture.signIn();
    const { ws } = await busyWorkspace(page);
    await page.goto(`/workspaces/${ws}/projects/app`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project' });
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    const runs = dialog.getByRole('region', { name: 'Active runs' });
    await runs.getByRole('link', { name: `${ws}/app/long #1` }).waitFor();
    await runs.getByRole('button', { name: 'Cancel 1 run and delete' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${ws}$`));
    expect((await page.request.get(`/api/v1/workspaces/${ws}/projects/app`)).status()).toBe(404);
  });
});

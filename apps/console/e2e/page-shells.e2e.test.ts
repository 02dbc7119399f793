import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

// The page shells (components/page): breadcrumbs with names from the route crumbs, the
// error with its request id and Retry, the empty state with its first action, the table,
// and confirmation through useConfirm — seen on the Credentials page.

describe.skipIf(browserSkipReason())('page shells', () => {
  const fixture = useConsole();

  it('a list page: named breadcrumbs, error with Retry, empty state, table and a confirmed delete', async () => {
    const { page } = fixture;
    await fixture.signIn();

    // Not there yet: the error names the request and Retry asks again.
    await page.goto('/workspaces/harbour/credentials');
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot list credentials' });
    await alert.getByText(/request \S+/).waitFor();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'harbour', name: 'Harbour Docks' });
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('No credentials yet.').waitFor();
    await page.getByRole('button', { name: 'Create the first credential' }).waitFor();
    expect(await alert.count()).toBe(0);

    await api(page, 'POST', '/api/v1/workspaces/harbour/credentials', {
      name: 'registry-token',
      type: 'token',
      secret: 's3cret',
    });
    await page.reload();
    const table = page.getByRole('table', { name: 'Credentials' });
    await table.getByRole('cell', { name: 'registry-token', exact: true }).waitFor();

    // Reloaded (the workspace exists now): the trail shows its name, not its slug, each crumb a link.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumbs' });
    expect(await crumbs.getByRole('link', { name: 'Workspaces' }).getAttribute('href')).toBe('/workspaces');
    expect(await crumbs.getByRole('link', { name: 'Harbour Docks' }).getAttribute('href')).toBe(
      '/workspaces/harbour',
    );
    expect(await crumbs.locator('[aria-current="page"]').textContent()).toBe('Credentials');

    // Deleting asks first; Cancel keeps it, confirming deletes it and the empty state returns.
    await table.getByRole('button', { name: 'Delete registry-token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete credential' });
    await dialog.getByText(/Pipelines that use it will fail to start/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await table.getByRole('button', { name: 'Delete registry-token' }).click();
    await dialog.getByRole('button', { name: 'Delete credential' }).click();
    await page.getByText('No credentials yet.').waitFor();
    const left = await api(page, 'GET', '/api/v1/workspaces/harbour/credentials');
    expect(((await left.json()) as { items: unknown[] }).items).toEqual([]);
  });
});

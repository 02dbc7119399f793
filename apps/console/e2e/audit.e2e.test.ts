import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

describe.skipIf(browserSkipReason())('the audit log in the console', () => {
  const fixture = useConsole();

  it('opens an entry to show what changed, and exports the filtered log as CSV', async () => {
    const { page } = fixture;
    await fixture.signIn();

    // Two writes through the API as the signed-in admin (the same session cookie).
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'audited', name: 'Audited' });
    await api(page, 'PATCH', '/api/v1/workspaces/audited', { description: 'Before and after' });

    await page.goto('/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const filters = page.getByRole('form', { name: 'audit filters' });
    await filters.getByLabel('Action').fill('updateWorkspace');
    await filters.getByRole('button', { name: 'Filter' }).click();
    const table = page.getByRole('table', { name: 'Audit events' });
    const rows = table.getByRole('row', { name: /updateWorkspace/ });
    // The unfiltered list has the same row: wait for the filtered one (no sign-in left).
    const filtered = async () => {
      await expect.poll(() => table.getByRole('row', { name: /\blogin\b/ }).count()).toBe(0);
      await rows.first().waitFor();
    };
    await filtered();

    await rows
      .first()
      .getByRole('button', { name: /^Open updateWorkspace by admin/ })
      .click();
    const entry = page.getByRole('dialog', { name: 'Audit entry' });
    const changes = entry.getByRole('table', { name: 'Changes' });
    await changes.waitFor();
    const description = changes.getByRole('row', { name: /description/ });
    await expect.poll(() => description.textContent()).toMatch(/description\s*—\s*Before and after/);
    await entry.getByText('admin (session)').waitFor();
    // The entry has its own address: a reload opens it again.
    expect(new URL(page.url()).searchParams.get('entry')).toMatch(/^[0-9a-f-]{36}$/);
    await page.reload();
    await page.getByRole('dialog', { name: 'Audit entry' }).getByRole('table', { name: 'Changes' }).waitFor();
    await page.getByRole('dialog', { name: 'Audit entry' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog', { name: 'Audit entry' }).waitFor({ state: 'hidden' });

    await filters.getByLabel('Action').fill('updateWorkspace');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await filtered();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^slipway-audit-.+\.csv$/);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split(/\r\n/);
    expect(lines[0]).toMatch(/^occurred_at,actor,actor_via,action,/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toContain(',admin,session,updateWorkspace,');
    expect(lines[1]).toContain('Before and after');
  });
});

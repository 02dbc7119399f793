// The project page's Caches card: the project's job caches (rows written straight into the
// server's database, as a job's upload step would leave them — the archives themselves are
// not needed to list them), their share of the limit, and "Clear caches".
import { createHash } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

const CACHES = '/api/v1/workspaces/dock/projects/app/caches';

describe.skipIf(browserSkipReason())('caches in the console', () => {
  const fixture = useConsole();

  it('lists the project’s caches most recently used first with the total, and clears them after asking', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'dock', name: 'Dock' });
    await api(page, 'POST', '/api/v1/workspaces/dock/projects', { slug: 'app', name: 'App' });
    const client = new pg.Client({ connectionString: fixture.databaseUrl });
    await client.connect();
    try {
      const seed = (key: string, executor: string, size: number, lastUsedAt: string) => {
        const hash = createHash('sha256').update(key).digest('hex');
        return client.query(
          `INSERT INTO cache_entries (id, project_id, executor, key, key_hash, storage_key, ready, size_bytes, last_used_at)
           SELECT gen_random_uuid(), p.id, $1, $2, $3::text, p.id || '/' || $3::text || '-seeded.tar.gz', true, $4, $5
           FROM projects p WHERE p.slug = 'app'`,
          [executor, key, hash, size, lastUsedAt],
        );
      };
      await seed('npm-3f2a', 'local', 1536, '2026-11-30T10:00:00Z');
      await seed('maven-9c1d', 'kubernetes', 3 * 1024 ** 2, '2026-11-30T12:00:00Z');
    } finally {
      await client.end();
    }

    await page.goto('/workspaces/dock/projects/app');
    const table = page.getByRole('table', { name: 'Caches' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/maven-9c1d.*Kubernetes.*3 MiB/);
    expect(await rows.nth(1).textContent()).toMatch(/npm-3f2a.*Local.*1\.5 KiB/);
    await page.getByText('3 MiB of 5 GiB used').waitFor();

    await page.getByRole('button', { name: 'Clear caches' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear caches' });
    await dialog.getByRole('button', { name: 'Clear caches' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No caches yet.').waitFor();
    expect(await page.getByRole('button', { name: 'Clear caches' }).count()).toBe(0);
    const listed = (await (await api(page, 'GET', CACHES)).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { expectAccessible } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';
import { DEMO } from './pages.ts';
import { seedApprovalRequest, seedReleases } from './release-seed.ts';

// Issue #14's environment copy and approvals report on the demo platform, no cluster needed:
// releases 1–3 of `hello` seeded in `local` (2 live), release 4 waiting for an approval, and
// release 2 deployed during a freeze an admin broke. `prod` is an environment on a cluster
// registered in the database only (nothing reaches it: it needs an approval, so the copied
// release waits for one). Project `quiet`, whose one release in `local` failed (nothing live),
// is skipped by the copy.

const TARGET = { workspace: DEMO.workspace, project: DEMO.project, environment: DEMO.environment };
const FREEZE_REASON = 'hotfix for the checkout outage';

/**
 * `prod`: production, one approval required, on a cluster no test talks to; release 2 of
 * hello broke a freeze; release 1 of `quiet` (the oldest of all) failed in `local`.
 */
async function seedTarget(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `WITH cluster AS (
         INSERT INTO clusters (id, name, server, updated_at)
         VALUES (gen_random_uuid(), 'unreached', 'https://127.0.0.1:9', now()) RETURNING id)
       INSERT INTO environments (id, workspace_id, name, cluster_id, namespace, position, production,
         required_approvals, updated_at)
       SELECT gen_random_uuid(), w.id, 'prod', cluster.id, 'demo-prod', 5, true, 1, now()
         FROM workspaces w, cluster WHERE w.slug = $1`,
      [DEMO.workspace],
    );
    await client.query(
      `UPDATE releases r SET freeze_break = $3
         FROM projects p JOIN workspaces w ON w.id = p.workspace_id
        WHERE r.project_id = p.id AND w.slug = $1 AND p.slug = $2 AND r.number = 2`,
      [
        DEMO.workspace,
        DEMO.project,
        JSON.stringify({ by: 'admin', reason: FREEZE_REASON, at: new Date().toISOString() }),
      ],
    );
    await client.query(
      `INSERT INTO releases (id, project_id, number, environment_id, environment_name, namespace, status, phase,
         message, objects, created_by_name, created_at, finished_at)
       SELECT gen_random_uuid(), p.id, 1, e.id, e.name, COALESCE(e.namespace, e.name), 'failed', 'done', 'image pull failed', '[]', 'admin',
         now() - interval '1 hour', now() - interval '1 hour'
         FROM projects p JOIN workspaces w ON w.id = p.workspace_id JOIN environments e ON e.workspace_id = w.id
        WHERE w.slug = $1 AND p.slug = 'quiet' AND e.name = $2`,
      [DEMO.workspace, DEMO.environment],
    );
    await client.query(`UPDATE projects SET release_counter = 1 WHERE slug = 'quiet'`);
  } finally {
    await client.end();
  }
}

describe.skipIf(browserSkipReason())('environment copy and approvals report in a browser', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });

  it('copies local to prod (hello created and waiting for approval, quiet with nothing live skipped; a target without a cluster refused); the report lists releases with flags and downloads as CSV', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await seedReleases(fixture.databaseUrl, TARGET);
    await seedApprovalRequest(fixture.databaseUrl, TARGET);
    await api(page, 'POST', `/api/v1${paths.workspace(DEMO.workspace)}/projects`, {
      slug: 'quiet',
      name: 'Quiet',
    });
    await seedTarget(fixture.databaseUrl);
    await api(page, 'POST', `/api/v1${paths.environments(DEMO.workspace)}`, { name: 'scratch', order: 9 });
    const projectApi = `/api/v1${paths.project(DEMO.workspace, DEMO.project)}`;
    // What the seeded releases name: manifest set `web` v2, config set `app-config` (saved in prod too).
    await api(page, 'POST', `${projectApi}/manifest-sets`, {
      name: 'web',
      files: { 'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: hello\n' },
    });
    await api(page, 'POST', `${projectApi}/manifest-sets/web/versions`, {
      files: {
        'service.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  ports:\n    - port: 80\n',
      },
    });
    await api(page, 'POST', `${projectApi}/config-sets/app-config/environments/prod/versions`, {
      data: { GREETING: 'hello from prod' },
    });

    // Copy to environment…: the workspace's other environments, then a summary per project.
    await page.goto(paths.environment(DEMO.workspace, DEMO.environment));
    await page.getByRole('button', { name: 'Copy to environment…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy local to another environment' });
    const target = dialog.getByLabel('Target environment');
    expect(await target.locator('option').allTextContents()).toEqual(['prod (production)', 'scratch']);
    // An environment without a cluster: the API's 400 stays in the dialog.
    await target.selectOption('scratch');
    await dialog.getByRole('button', { name: 'Copy to scratch' }).click();
    await dialog.getByText('environment "scratch" has no cluster to deploy to').waitFor();
    await target.selectOption('prod');
    await dialog.getByRole('button', { name: 'Copy to prod' }).click();
    const summary = dialog.getByRole('table', { name: 'Copy summary' });
    const hello = summary.getByRole('row', { name: /^hello/ });
    await hello.waitFor();
    expect(await hello.textContent()).toContain('created');
    expect(await hello.textContent()).toContain('from #2');
    expect(await hello.textContent()).toContain('awaiting-approval');
    expect(await hello.getByRole('link', { name: '#5', exact: true }).getAttribute('href')).toBe(
      paths.release({ workspace: DEMO.workspace, project: DEMO.project, number: 5 }),
    );
    const quiet = summary.getByRole('row', { name: /^quiet/ });
    expect(await quiet.textContent()).toContain('skipped');
    expect(await quiet.textContent()).toContain('no live release in "local"');
    await expectAccessible(page, { label: 'environment: copy summary' });
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await dialog.waitFor({ state: 'hidden' });

    // The Approvals report tab: a row per release of local, newest first, flags as badges.
    await page.getByRole('tab', { name: 'Approvals report' }).click();
    const report = page.getByRole('table', { name: 'Approvals report' });
    const rows = report.getByRole('row');
    await report.getByRole('link', { name: '#4', exact: true }).waitFor();
    // The header, hello 4 (waiting for its approval), 3, 2 (the broken freeze), 1, quiet 1.
    expect(await rows.count()).toBe(6);
    const cells = async (index: number) =>
      (await rows.nth(index).getByRole('cell').allTextContents()).map((text) => text.trim());
    const waiting = await cells(1);
    expect(waiting.slice(0, 6)).toEqual([
      'hello',
      '#4',
      'awaiting-approval',
      'run',
      expect.stringContaining('admin'),
      '1',
    ]);
    expect(waiting[8]).toBe('');
    const frozen = await cells(3);
    expect(frozen.slice(0, 2)).toEqual(['hello', '#2']);
    expect(frozen[8]).toBe('freeze-brokenno-approval-required');
    expect(await rows.nth(3).locator('.badge-error').allTextContents()).toEqual(['freeze-broken']);
    expect(frozen[9]).toContain(FREEZE_REASON);
    expect((await cells(4))[8]).toBe('no-approval-required');
    expect((await cells(5)).slice(0, 3)).toEqual(['quiet', '#1', 'failed']);

    // A period that ends before the seeded releases: nothing in it.
    await page.getByLabel('Until').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No releases in this period.').waitFor();
    await page.getByLabel('Until').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await report.getByRole('link', { name: '#4', exact: true }).waitFor();

    // Download CSV: the same report as an attachment, its header row first.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toBe(
      'project,release,status,trigger,created_by,created_at,required_approvals,approved_by,rejected_by,flags,freeze_broken_by,freeze_break_reason,freeze_broken_at',
    );
    expect(lines).toHaveLength(5);
    expect(lines.find((line) => line.startsWith('hello,2,'))).toContain(FREEZE_REASON);
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { type AxeFinding, auditAccessibility, expectAccessible, formatFindings } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';
import { DEMO, MAIN_PAGES, seedDemoExtras } from './pages.ts';

// axe-core on every page of the console (issue #12): no serious or critical violation on any
// route of the router, signed out (sign-in, invite) and signed in as a platform admin on the
// demo platform, nor in the dialogs people meet first. All pages are audited before the test
// fails, so one run lists every violation.

describe.skipIf(browserSkipReason())('accessibility (axe-core)', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });

  it('the signed-out pages have no serious or critical violation', async () => {
    const { page } = fixture;
    await page.goto(paths.signIn());
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, { label: 'sign-in' });
    // axe's page-has-heading-one is a best practice it does not fail on: checked here.
    expect(await page.getByRole('heading', { level: 1, name: 'Slipway' }).count()).toBe(1);
    // The rejected attempt shows its error next to the form.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessible(page, { label: 'sign-in (rejected)' });

    await fixture.signIn();
    const created = await api(page, 'POST', '/api/v1/users', { username: 'ines' });
    const { invitePath } = (await created.json()) as { invitePath: string };
    const invitee = await fixture.newPage();
    await invitee.goto(invitePath);
    await invitee.getByRole('form', { name: 'Choose a password' }).waitFor();
    await expectAccessible(invitee, { label: 'invite' });
  });

  it('every page behind sign-in, and the first dialogs, have no serious or critical violation', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await seedDemoExtras(page, fixture.databaseUrl);
    const findings: string[] = [];
    const audit = async (label: string) => {
      const found: AxeFinding[] = await auditAccessibility(page);
      if (found.length > 0) findings.push(formatFindings(label, found));
    };
    for (const main of MAIN_PAGES) {
      await page.goto(main.path);
      await main.ready(page);
      await audit(main.name);
    }

    // Every create and edit dialog: each form control labelled, as axe checks.
    for (const [name, button, dialog] of DIALOGS) {
      const main = MAIN_PAGES.find((candidate) => candidate.name === name);
      if (!main) throw new Error(`no main page ${name}`);
      await page.goto(main.path);
      await main.ready(page);
      await page.getByRole('button', { name: button, exact: true }).first().click();
      await page.getByRole('dialog', { name: dialog }).waitFor();
      await audit(`${name}: ${dialog} dialog`);
    }

    // The environment form with one freeze window of each kind.
    await page.goto(paths.environment(DEMO.workspace, DEMO.environment));
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const environmentForm = page.getByRole('dialog', { name: 'Edit environment' });
    await environmentForm.getByRole('button', { name: 'Add weekly window' }).click();
    await environmentForm.getByRole('button', { name: 'Add one-off window' }).click();
    await environmentForm.getByRole('group', { name: 'Freeze window 2' }).waitFor();
    await audit('environment: Edit environment dialog with freeze windows');
    await page.keyboard.press('Escape');

    // The environment's approvals report (the seeded releases, filters, Download CSV).
    await page.goto(`${paths.environment(DEMO.workspace, DEMO.environment)}?tab=approvals-report`);
    await page.getByRole('table', { name: 'Approvals report' }).getByRole('link', { name: '#4' }).waitFor();
    await audit('environment: Approvals report tab');

    // Menus: the top bar's user menu; dialogs: creating a workspace, starting a run.
    await page.goto(paths.workspaces());
    await page.getByRole('button', { name: 'admin', exact: true }).click();
    await page.getByRole('menu').waitFor();
    await audit('user menu');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    await page.getByRole('dialog', { name: 'Create workspace' }).waitFor();
    await audit('create workspace dialog');
    await openRunDialog(page);
    await audit('run dialog');

    // The folded top bar below 800 px, its menu open.
    await page.setViewportSize({ width: 720, height: 900 });
    await page.goto(paths.workspace('demo'));
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Workspaces' }).waitFor();
    await audit('folded top bar, menu open (720 px)');

    expect(findings, `axe-core violations:\n${findings.join('\n')}`).toEqual([]);
  });
});

/** Dialogs to audit: the main page they open on, the button that opens them, their name. */
const DIALOGS: readonly [page: string, button: string, dialog: string][] = [
  ['workspace', 'Create project', 'Create project'],
  ['workspace', 'Edit', 'Edit workspace'],
  ['project', 'Create pipeline', 'Create pipeline'],
  ['project', 'Edit', 'Edit project'],
  ['environments', 'Create environment', 'Create environment'],
  ['environment', 'Edit', 'Edit environment'],
  ['environment', 'Copy to environment…', 'Copy local to another environment'],
  ['credentials', 'Create credential', 'Create credential'],
  ['templates', 'Create template', 'Create template'],
  ['workspace-members', 'Create custom role', 'Create custom role'],
  ['webhooks', 'Create webhook', 'Create webhook'],
  ['manifest-sets', 'Create manifest set', 'Create manifest set'],
  ['config-sets', 'Create config set', 'Create config set'],
  ['users', 'Create user', 'Create user'],
  ['clusters', 'Add cluster', 'Add cluster'],
  ['notification-channels', 'Create channel', 'Create channel'],
];

async function openRunDialog(page: Page): Promise<void> {
  await page.goto(paths.pipeline({ workspace: 'demo', project: 'hello', pipeline: 'ci' }));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('dialog').waitFor();
}

import { randomBytes } from 'node:crypto';
import { adminClient, clusterSkipReason, testKubeconfig } from '@slipway/kube/testing';
import { afterAll, describe, expect, it } from 'vitest';
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
    // The window's title names the page (its heading).
    const heading = (await page.getByRole('heading', { level: 1 }).textContent())?.trim();
    await expect.poll(() => page.title()).toBe(`${heading} · Slipway`);

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

  it('a template version is published through the form: dirty, line errors, then version 2', async () => {
    const { page } = fixture;
    await fixture.signIn();
    const spec =
      'stages:\n  - name: test\n    jobs:\n      - name: unit\n        image: node:24\n        steps:\n          - run: npm test\n';
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'tmpl', name: 'Templates' });
    await api(page, 'POST', '/api/v1/workspaces/tmpl/pipeline-templates', { name: 'node-service', spec });

    await page.goto('/workspaces/tmpl/templates');
    await page
      .getByRole('table', { name: 'Templates' })
      .getByRole('button', { name: 'node-service' })
      .click();
    const details = page.getByRole('region', { name: 'Template node-service' });
    const yaml = details.getByRole('textbox', { name: 'Template YAML' });
    const publish = details.getByRole('button', { name: 'Publish as version 2' });
    await expect.poll(() => yaml.inputValue()).toBe(spec);
    expect(await publish.isDisabled()).toBe(true);

    await yaml.fill(`${spec}  - name: [\n`);
    await publish.click();
    await details.getByRole('list', { name: 'Spec errors' }).waitFor();
    await yaml.fill(spec.replace('npm test', 'npm run test'));
    await publish.click();
    await details.getByRole('button', { name: 'Publish as version 3' }).waitFor();
    await expect.poll(() => yaml.inputValue()).toContain('npm run test');
  });
});

// Tabs (DetailPage): the environment page of a cluster environment has Deployments, Events, Live,
// Queue, Releases and (for an auditor, as the admin is) Approvals report.
describe.skipIf(browserSkipReason([clusterSkipReason()]))('detail page tabs', () => {
  const fixture = useConsole();
  const workspace = `tabs-${randomBytes(3).toString('hex')}`;
  const kube = adminClient();

  afterAll(async () => {
    await kube.deleteNamespace(`${workspace}-dev`).catch(() => undefined);
  });

  it('one tab stop; arrow keys move and select, wrapping; the URL keeps the tab', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() });
    await api(page, 'POST', '/api/v1/workspaces', { slug: workspace, name: 'Tabs' });
    await api(page, 'POST', `/api/v1/workspaces/${workspace}/environments`, {
      name: 'dev',
      cluster: 'local',
    });

    await page.goto(`/workspaces/${workspace}/environments/dev`);
    const tabs = page.getByRole('tablist');
    const deployments = tabs.getByRole('tab', { name: 'Deployments' });
    const events = tabs.getByRole('tab', { name: 'Events' });
    const report = tabs.getByRole('tab', { name: 'Approvals report' });
    await page
      .getByRole('tabpanel', { name: 'Deployments' })
      .getByRole('heading', { name: 'Deployments' })
      .waitFor();
    expect(await deployments.getAttribute('aria-selected')).toBe('true');
    expect([await deployments.getAttribute('tabindex'), await events.getAttribute('tabindex')]).toEqual([
      '0',
      '-1',
    ]);

    const focused = (target: typeof events) =>
      target.evaluate((element) => element === document.activeElement);
    await deployments.focus();
    await page.keyboard.press('ArrowRight');
    await page
      .getByRole('tabpanel', { name: 'Events' })
      .getByRole('heading', { name: 'Recent events' })
      .waitFor();
    expect(await events.getAttribute('aria-selected')).toBe('true');
    expect(await focused(events)).toBe(true);
    expect(new URL(page.url()).searchParams.get('tab')).toBe('events');

    // The tab is in the address: a reload shows it again; End selects the last tab (Approvals report),
    // ArrowRight from the last wraps to the first.
    await page.reload();
    await page.getByRole('tabpanel', { name: 'Events' }).waitFor();
    await events.focus();
    await page.keyboard.press('End');
    await page.getByRole('tabpanel', { name: 'Approvals report' }).waitFor();
    expect(await focused(report)).toBe(true);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tabpanel', { name: 'Deployments' }).waitFor();
    expect(await focused(deployments)).toBe(true);
    // Tab leaves the tab list (one tab stop); it does not walk through the other tabs.
    await page.keyboard.press('Shift+Tab');
    for (const tab of [deployments, events, report]) expect(await focused(tab)).toBe(false);
  });
});

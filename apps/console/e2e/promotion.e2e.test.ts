import { clusterSkipReason } from '@slipway/kube/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { IMAGE, setUpDeployProject } from './deploy-project.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';
import { useLocalStaging } from './local-staging.ts';

// Issue #14's release manager in the browser, on the local control plane: `test` comes after
// `staging` in the workspace's order and gets a freeze window in the environment form; release
// 1 of staging is promoted to test, waits in test's queue for the freeze (banner, Queue tab,
// hold reason), and an admin breaks the freeze for it with a reason; it deploys with staging's
// image and test's own config.

describe.skipIf(browserSkipReason([clusterSkipReason()]))('promotion and freeze windows in a browser', () => {
  const fixture = useConsole();
  const staging = useLocalStaging('pro');
  const { workspace, kube } = staging;
  const testNamespace = `${workspace}-test`;
  const projectApi = `/api/v1${paths.project(workspace, 'shop')}`;
  afterAll(async () => {
    await kube.deleteNamespace(testNamespace).catch(() => undefined);
  });

  it('promote to the next environment; frozen there, the release waits with the reason until an admin breaks the freeze', {
    timeout: 900_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await staging.setUp(page);
    await setUpDeployProject(page, workspace);
    const { cluster } = await (
      await api(page, 'GET', `/api/v1${paths.environment(workspace, 'staging')}`)
    ).json();
    await api(page, 'POST', `/api/v1${paths.environments(workspace)}`, { name: 'test', cluster, order: 1 });
    await api(page, 'POST', `${projectApi}/config-sets/app-config/environments/test/versions`, {
      data: { GREETING: 'hello from test' },
      message: 'test configuration',
    });
    await api(page, 'POST', `${projectApi}/pipelines/ci/runs`, {
      releaseType: 'release',
      environment: 'staging',
    });
    await page.goto(paths.release({ workspace, project: 'shop', number: 1 }));
    await page.getByRole('heading', { name: /^Release #1\s+succeeded$/ }).waitFor({ timeout: 300_000 });

    // A one-off freeze window over test, set in the environment form.
    await page.goto(paths.environment(workspace, 'test'));
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'Edit environment' });
    await form.getByRole('button', { name: 'Add one-off window' }).click();
    const freeze = form.getByRole('group', { name: 'Freeze window 1' });
    await freeze.getByLabel('Window 1 name').fill('sale');
    await freeze.getByLabel('Window 1 from', { exact: true }).fill('2020-01-01T00:00');
    await freeze.getByLabel('Window 1 to', { exact: true }).fill('2099-01-01T00:00');
    await freeze.getByLabel('Window 1 time zone').fill('UTC');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await page
      .getByTestId('environment-hold')
      .getByText('Frozen (sale: 2020-01-01T00:00 – 2099-01-01T00:00 UTC)', { exact: false })
      .waitFor();

    // Release 1 of staging → Promote to test: a new release there, held by the freeze.
    await page.goto(paths.release({ workspace, project: 'shop', number: 1 }));
    await page.getByRole('button', { name: 'Promote to test' }).click();
    const confirm = page.getByRole('dialog', { name: 'Promote release #1 to test' });
    await confirm.getByText('the newest version of each config set in test').waitFor();
    await confirm.getByRole('button', { name: 'Promote to test' }).click();
    await page.waitForURL(new RegExp(`${paths.release({ workspace, project: 'shop', number: 2 })}$`));
    await page.getByRole('heading', { name: /^Release #2\s+queued$/ }).waitFor();
    await page
      .getByTestId('hold-reason')
      .getByText('freeze window sale: 2020-01-01T00:00', { exact: false })
      .waitFor();
    await page.getByText('promoted from staging', { exact: false }).waitFor();

    // Test's Queue tab lists it with the reason.
    await page.goto(`${paths.environment(workspace, 'test')}?tab=queue`);
    const queue = page.getByRole('table', { name: 'Deploy queue' });
    const row = queue.getByRole('row', { name: /shop #2/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('freeze window sale');

    // The admin breaks the freeze for this one release, saying why; it deploys.
    await row.getByRole('link', { name: 'shop #2' }).click();
    await page.getByRole('button', { name: 'Break freeze' }).click();
    const dialog = page.getByRole('dialog', { name: 'Break the freeze for release #2' });
    await dialog.getByRole('button', { name: 'Break freeze' }).click();
    await dialog.getByText('Say why this release may not wait', { exact: false }).waitFor();
    await dialog.getByLabel('Reason').fill('hotfix for the sale');
    await dialog.getByRole('button', { name: 'Break freeze' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('freeze-break').getByText('hotfix for the sale', { exact: false }).waitFor();
    await page.getByRole('heading', { name: /^Release #2\s+succeeded$/ }).waitFor({ timeout: 300_000 });
    const deployment = await kube.getDeployment(testNamespace, 'web');
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:1`);
    expect(deployment?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('app-config-v1');
  });
});

import { randomBytes } from 'node:crypto';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, fieldError } from './helpers.ts';

describe.skipIf(browserSkipReason([clusterSkipReason()]))('clusters and environments in a browser', () => {
  const fixture = useConsole();
  const workspace = `web-${randomBytes(3).toString('hex')}`;
  const kube = adminClient();

  afterAll(async () => {
    for (const env of ['dev', 'prod'])
      await kube.deleteNamespace(`${workspace}-${env}`).catch(() => undefined);
  });

  it('an admin registers the cluster, checks it, and creates dev and prod whose namespaces appear', async () => {
    const { page } = fixture;
    await fixture.signIn();

    await page.getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { name: 'Clusters' }).waitFor();
    await page.getByRole('button', { name: 'Add cluster' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add cluster' });
    await dialog.getByLabel('Name').fill('local');
    await dialog.getByLabel('Kubeconfig', { exact: true }).fill(testKubeconfig());
    await dialog.getByRole('button', { name: 'Add cluster' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Adding runs the check; its result shows as a green status with version and nodes.
    const row = page.getByRole('row', { name: /local/ });
    await row.getByText('healthy').waitFor();
    expect(await row.textContent()).toMatch(/v1\.\d+\.\d+.*\d+ nodes/);

    await page.getByRole('link', { name: 'Slipway' }).click();
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const wsDialog = page.getByRole('dialog', { name: 'Create workspace' });
    await wsDialog.getByLabel('Name').fill(workspace);
    await wsDialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${workspace}$`));
    await page.getByRole('main').getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();

    for (const [name, order, production, retain] of [
      ['dev', '1', false, undefined],
      ['prod', '2', true, '25'],
    ] as const) {
      await page.getByRole('button', { name: 'Create environment' }).click();
      const envDialog = page.getByRole('dialog', { name: 'Create environment' });
      await envDialog.getByLabel('Name').fill(name);
      await envDialog.getByLabel('Cluster').selectOption('local');
      await envDialog.getByLabel('Order in the promotion path').fill(order);
      if (production) await envDialog.getByLabel('Production').check();
      // The release retention starts at the API's default; prod keeps more.
      const retention = envDialog.getByLabel('Releases whose ConfigMaps are kept');
      expect(await retention.inputValue()).toBe('10');
      if (retain) await retention.fill(retain);
      await envDialog.getByRole('button', { name: 'Create environment' }).click();
      await envDialog.waitFor({ state: 'hidden' });
    }
    const table = page.getByRole('table', { name: 'Environments' });
    await table.getByText(`local/${workspace}-prod`).waitFor();
    const prodRow = table.getByRole('row', { name: /prod/ });
    expect(await prodRow.textContent()).toContain('1 × operator, not the starter');
    expect(await prodRow.getByRole('cell').last().textContent()).toBe('25');
    expect(await table.getByRole('row', { name: /dev/ }).getByRole('cell').last().textContent()).toBe('10');
    const environmentOf = async (name: string) =>
      (await (await api(page, 'GET', `/api/v1/workspaces/${workspace}/environments/${name}`)).json()) as {
        retainReleases: number;
      };
    expect((await environmentOf('prod')).retainReleases).toBe(25);

    for (const env of ['dev', 'prod']) {
      const namespace = await eventually(`namespace ${workspace}-${env}`, () =>
        kube.getNamespace(`${workspace}-${env}`).then((n) => n ?? undefined),
      );
      expect(namespace.metadata?.labels?.['slipway.dev/workspace']).toBe(workspace);
    }

    // The environment view reads the namespace's workloads live from the cluster.
    await kube.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'storefront', namespace: `${workspace}-dev` },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'storefront' } },
        template: {
          metadata: { labels: { app: 'storefront' } },
          spec: { containers: [{ name: 'web', image: 'shop/web:2.1' }] },
        },
      },
    });
    await table.getByRole('link', { name: 'dev' }).click();

    // Edited on the environment's page: the API's refusal shows at the field, a fix is stored.
    await page.getByText('ConfigMaps kept for the last 10 releases').waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editDialog = page.getByRole('dialog', { name: 'Edit environment' });
    const retention = editDialog.getByLabel('Releases whose ConfigMaps are kept');
    await retention.fill('1001');
    await editDialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await fieldError(editDialog, 'Releases whose ConfigMaps are kept')).textContent())
      .toMatch(/1000/);
    await retention.fill('0');
    await editDialog.getByRole('button', { name: 'Save' }).click();
    await editDialog.waitFor({ state: 'hidden' });
    await page.getByText('ConfigMaps kept for the last 0 releases').waitFor();
    expect((await environmentOf('dev')).retainReleases).toBe(0);
    const workload = page.locator('.workload', { hasText: 'storefront' });
    await workload.getByText('available', { exact: true }).waitFor();
    expect(await workload.getByText('shop/web:2.1').count()).toBe(1);
    await page
      .getByRole('table', { name: 'Pods of storefront' })
      .getByRole('cell', { name: 'Running' })
      .waitFor();
  });
});

import { randomBytes } from 'node:crypto';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';

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

    for (const [name, order, production] of [
      ['dev', '1', false],
      ['prod', '2', true],
    ] as const) {
      await page.getByRole('button', { name: 'Create environment' }).click();
      const envDialog = page.getByRole('dialog', { name: 'Create environment' });
      await envDialog.getByLabel('Name').fill(name);
      await envDialog.getByLabel('Cluster').selectOption('local');
      await envDialog.getByLabel('Order in the promotion path').fill(order);
      if (production) await envDialog.getByLabel('Production').check();
      await envDialog.getByRole('button', { name: 'Create environment' }).click();
      await envDialog.waitFor({ state: 'hidden' });
    }
    const table = page.getByRole('table', { name: 'Environments' });
    await table.getByText(`local/${workspace}-prod`).waitFor();
    expect(await table.getByRole('row', { name: /prod/ }).textContent()).toContain(
      '1 × operator, not the starter',
    );

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
    const workload = page.locator('.workload', { hasText: 'storefront' });
    await workload.getByText('available', { exact: true }).waitFor();
    expect(await workload.getByText('shop/web:2.1').count()).toBe(1);
    await page
      .getByRole('table', { name: 'Pods of storefront' })
      .getByRole('cell', { name: 'Running' })
      .waitFor();
  });
});

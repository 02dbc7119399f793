// A workspace whose `staging` environment is on the local control plane, for the browser
// tests that deploy for real (releases.e2e, deploy-run.e2e).
import { randomBytes } from 'node:crypto';
import { adminClient, testKubeconfig } from '@slipway/kube/testing';
import type { Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { api } from './helpers.ts';

/**
 * Names for one describe block: cluster `local-<suffix>`, workspace `<prefix>-<suffix>`,
 * environment `staging` on that cluster (namespace `<workspace>-staging`, deleted from the
 * cluster after the tests) and project `shop`. Call inside the describe block; `setUp`
 * creates them through the API as the signed-in user of `page`.
 */
export function useLocalStaging(prefix: string) {
  const suffix = randomBytes(3).toString('hex');
  const cluster = `local-${suffix}`;
  const workspace = `${prefix}-${suffix}`;
  const namespace = `${workspace}-staging`;
  const kube = adminClient();

  afterAll(async () => {
    await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  return {
    workspace,
    namespace,
    project: { workspace, project: 'shop' },
    /** The cluster's admin client (reads what was deployed). */
    kube,
    async setUp(page: Page): Promise<void> {
      await api(page, 'POST', '/api/v1/clusters', { name: cluster, kubeconfig: testKubeconfig() });
      await api(page, 'POST', '/api/v1/workspaces', { slug: workspace, name: workspace });
      await api(page, 'POST', `/api/v1${paths.environments(workspace)}`, { name: 'staging', cluster });
      await api(page, 'POST', `/api/v1${paths.workspace(workspace)}/projects`, {
        slug: 'shop',
        name: 'Shop',
      });
    },
  };
}

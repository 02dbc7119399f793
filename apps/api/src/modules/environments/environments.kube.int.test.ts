import { randomBytes } from 'node:crypto';
import { deployerUser } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

describe.skipIf(postgresSkipReason() || clusterSkipReason())('environments on a real cluster', () => {
  let t: TestApp;
  let client: SignedInClient;
  const kube = adminClient();
  // Namespaces are cluster-wide: unique workspace slugs keep reruns apart.
  const suffix = randomBytes(3).toString('hex');
  const ws = `shop-${suffix}`;
  const other = `other-${suffix}`;
  const created: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await client.request({
      method: 'POST',
      url: '/api/v1/clusters',
      payload: { name: 'local', kubeconfig: testKubeconfig() },
    });
    for (const slug of [ws, other]) {
      await client.request({ method: 'POST', url: '/api/v1/workspaces', payload: { slug, name: slug } });
    }
  });
  afterAll(async () => {
    for (const namespace of created) await kube.deleteNamespace(namespace).catch(() => undefined);
    await t?.close();
  });

  const createEnv = (workspace: string, payload: Record<string, unknown>) =>
    client.request({ method: 'POST', url: `/api/v1/workspaces/${workspace}/environments`, payload });

  it('creates dev and prod with their namespaces, labelled as Slipway’s', async () => {
    const dev = await createEnv(ws, { name: 'dev', cluster: 'local', order: 1 });
    expect(dev.statusCode).toBe(201);
    expect(dev.json()).toMatchObject({
      name: 'dev',
      cluster: 'local',
      namespace: `${ws}-dev`,
      production: false,
      approvalPolicy: { requiredApprovals: 0, allowSelfApproval: true },
    });
    const prod = await createEnv(ws, { name: 'prod', cluster: 'local', order: 2, production: true });
    expect(prod.json()).toMatchObject({
      namespace: `${ws}-prod`,
      production: true,
      approvalPolicy: { requiredApprovals: 1, approverRole: 'operator', allowSelfApproval: false },
    });
    created.push(`${ws}-dev`, `${ws}-prod`);
    for (const env of ['dev', 'prod']) {
      const namespace = await kube.getNamespace(`${ws}-${env}`);
      expect(namespace?.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'slipway',
        'slipway.dev/workspace': ws,
        'slipway.dev/environment': env,
      });
    }
    const list = await client.request({ method: 'GET', url: `/api/v1/workspaces/${ws}/environments` });
    expect(list.json().items.map((e: { name: string }) => e.name)).toEqual(['dev', 'prod']);
  });

  /** The deployer of `namespace` exists, may write there, and nowhere else. */
  async function expectDeployer(namespace: string) {
    const account = await kube.getObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: 'slipway-deployer',
      namespace,
    });
    expect(account?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('slipway');
    const binding = (await kube.getObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: 'slipway-deployer',
      namespace,
    })) as { roleRef?: unknown; subjects?: unknown } | null;
    expect(binding?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    });
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'slipway-deployer', namespace }]);
    const deployer = kube.impersonating(deployerUser(namespace));
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace } };
    await expect(deployer.applyObject(configMap, { dryRun: true })).resolves.toBeTruthy();
    await expect(
      deployer.applyObject(
        { ...configMap, metadata: { name: 'probe', namespace: 'default' } },
        { dryRun: true },
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
  }

  it('creates the deployer service account, bound to edit in the namespace only', async () => {
    await expectDeployer(`${ws}-dev`);
    await expectDeployer(`${ws}-prod`);
  });

  it('stores, shows and audits how many releases an environment retains', async () => {
    const dev = await client.request({ method: 'GET', url: `/api/v1/workspaces/${ws}/environments/dev` });
    expect(dev.json().retainReleases).toBe(10);
    const staging = await createEnv(ws, { name: 'staging', retainReleases: 3 });
    expect(staging.statusCode, staging.body).toBe(201);
    expect(staging.json().retainReleases).toBe(3);
    const changed = await client.request({
      method: 'PATCH',
      url: `/api/v1/workspaces/${ws}/environments/staging`,
      payload: { retainReleases: 0 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().retainReleases).toBe(0);
    const read = await client.request({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/environments/staging`,
    });
    expect(read.json().retainReleases).toBe(0);
    const audit = await client.request({
      method: 'GET',
      url: '/api/v1/audit-events',
      query: { action: 'updateEnvironment' },
    });
    expect(audit.json().items[0].detail.changes).toEqual({ retainReleases: { before: 3, after: 0 } });
    for (const bad of [-1, 1001, 2.5, 'ten']) {
      const refused = await client.request({
        method: 'PATCH',
        url: `/api/v1/workspaces/${ws}/environments/staging`,
        payload: { retainReleases: bad },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details[0].field).toBe('body.retainReleases');
    }
  });

  it('refuses a namespace that another workspace owns', async () => {
    const taken = await createEnv(other, { name: 'dev', cluster: 'local', namespace: `${ws}-dev` });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().message).toMatch(/already used by environment "dev" of workspace "shop-/);

    // Labelled by another workspace outside Slipway's database: still refused.
    const foreign = `foreign-${suffix}`;
    created.push(foreign);
    await kube.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: foreign, labels: { 'slipway.dev/workspace': 'someone-else' } },
    });
    const owned = await createEnv(ws, { name: 'qa', cluster: 'local', namespace: foreign });
    expect(owned.statusCode).toBe(409);
    expect(owned.json().message).toBe(
      `namespace "${foreign}" on cluster "local" belongs to workspace "someone-else"`,
    );
  });

  it('supports local-executor environments and rejects impossible placements', async () => {
    const local = await createEnv(ws, { name: 'local' });
    expect(local.json()).toMatchObject({ cluster: null, namespace: null });
    const orphanNamespace = await createEnv(ws, { name: 'x1', namespace: 'somewhere' });
    expect(orphanNamespace.statusCode).toBe(400);
    expect(orphanNamespace.json().details[0].field).toBe('body.namespace');
    const reserved = await createEnv(ws, { name: 'x2', cluster: 'local', namespace: 'kube-system' });
    expect(reserved.statusCode).toBe(400);
    const unknownCluster = await createEnv(ws, { name: 'x3', cluster: 'nope' });
    expect(unknownCluster.json().details[0]).toEqual({ field: 'body.cluster', message: 'unknown cluster' });
    expect((await createEnv(ws, { name: 'dev' })).statusCode).toBe(409);
  });

  it('lists the workloads of the namespace, read live', async () => {
    await kube.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: `${ws}-dev` },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'api', image: 'shop/api:1.0' }] },
        },
      },
    });
    const workloads = await eventually('the deployment to be available', async () => {
      const response = await client.request({
        method: 'GET',
        url: `/api/v1/workspaces/${ws}/environments/dev/workloads`,
      });
      const body = response.json();
      return body.deployments?.[0]?.available && body.deployments[0].pods.length === 1 ? body : undefined;
    });
    expect(workloads).toMatchObject({ cluster: 'local', namespace: `${ws}-dev` });
    expect(workloads.deployments[0]).toMatchObject({ name: 'api', replicas: 1, images: ['shop/api:1.0'] });
    expect(workloads.deployments[0].pods[0]).toMatchObject({ phase: 'Running', ready: true });
    expect(workloads.events.length).toBeGreaterThan(0);
    const localEnv = await client.request({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/environments/local/workloads`,
    });
    expect(localEnv.statusCode).toBe(400);
  });

  it('moves an environment to another namespace, creating it', async () => {
    const moved = await client.request({
      method: 'PATCH',
      url: `/api/v1/workspaces/${ws}/environments/prod`,
      payload: { namespace: `${ws}-production`, approvalPolicy: { requiredApprovals: 2 } },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      namespace: `${ws}-production`,
      approvalPolicy: { requiredApprovals: 2, allowSelfApproval: false },
    });
    created.push(`${ws}-production`);
    const namespace = await kube.getNamespace(`${ws}-production`);
    expect(namespace?.metadata?.labels?.['slipway.dev/environment']).toBe('prod');
    await expectDeployer(`${ws}-production`);
  });

  it('keeps the namespace on delete unless asked to remove it', async () => {
    expect(
      (await client.request({ method: 'DELETE', url: `/api/v1/workspaces/${ws}/environments/dev` }))
        .statusCode,
    ).toBe(204);
    expect(await kube.getNamespace(`${ws}-dev`)).not.toBeNull();
    const removed = await client.request({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws}/environments/prod`,
      query: { deleteNamespace: 'true' },
    });
    expect(removed.statusCode).toBe(204);
    await eventually('the namespace to be gone or terminating', async () => {
      const namespace = await kube.getNamespace(`${ws}-production`);
      return !namespace || namespace.status?.phase === 'Terminating' ? true : undefined;
    });
  });
});

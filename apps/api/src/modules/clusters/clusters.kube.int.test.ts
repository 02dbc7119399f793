import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  adminClient,
  clusterSkipReason,
  createTestNamespace,
  deleteClusterRbac,
  serviceAccountKubeconfig,
  testKubeconfig,
} from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';
import { hashPassword } from '../auth/password.ts';

describe.skipIf(postgresSkipReason() || clusterSkipReason())(
  'clusters API against the local control plane',
  () => {
    let t: TestApp;
    let admin: SignedInClient;

    beforeAll(async () => {
      t = await buildTestApp();
      admin = await signIn(t.app);
    });
    afterAll(async () => {
      await t?.close();
    });

    const register = (payload: Record<string, unknown>) =>
      admin.request({ method: 'POST', url: '/api/v1/clusters', payload });

    it('registers a cluster from a kubeconfig, stores it encrypted and never returns it', async () => {
      const kubeconfig = testKubeconfig();
      const created = await register({ name: 'local', description: 'KWOK cluster', kubeconfig });
      expect(created.statusCode).toBe(201);
      const body = created.json();
      expect(body).toMatchObject({
        name: 'local',
        inCluster: false,
        server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      });
      expect(JSON.stringify(body)).not.toMatch(/kubeconfig|client-key-data|certificate/i);

      const row = await t.db.prisma.cluster.findUniqueOrThrow({ where: { name: 'local' } });
      expect(row.kubeconfigEncrypted).toMatch(/^v1:/);
      expect(row.kubeconfigEncrypted).not.toContain('client-key-data');

      const listed = await admin.request({ method: 'GET', url: '/api/v1/clusters' });
      expect(JSON.stringify(listed.json())).not.toContain('client-key-data');
      expect((await register({ name: 'local', kubeconfig })).statusCode).toBe(409);
    });

    it('checks reachability, version, nodes and every permission Slipway needs', async () => {
      const response = await admin.request({ method: 'POST', url: '/api/v1/clusters/local/check' });
      expect(response.statusCode).toBe(200);
      const check = response.json();
      expect(check).toMatchObject({ reachable: true, ok: true, error: null });
      expect(check.serverVersion).toMatch(/^v1\.\d+/);
      expect(check.nodeCount).toBeGreaterThanOrEqual(1);
      expect(check.permissions.map((p: { resource: string }) => p.resource)).toEqual([
        'namespaces',
        'jobs',
        'pods/log',
        'deployments',
        'configmaps',
        'secrets',
        'serviceaccounts',
        'rolebindings',
        'serviceaccounts',
      ]);
      expect(check.permissions.at(-1)).toEqual({
        verb: 'impersonate',
        resource: 'serviceaccounts',
        allowed: true,
      });
      const stored = await admin.request({ method: 'GET', url: '/api/v1/clusters/local' });
      expect(stored.json().lastCheck).toMatchObject({ ok: true });
    });

    it('says when the credentials may not impersonate service accounts (deploys need it)', async () => {
      const kube = adminClient();
      const suffix = randomBytes(3).toString('hex');
      const namespace = await createTestNamespace(kube, 'weak');
      const name = `slipway-test-no-impersonate-${suffix}`;
      try {
        // Everything Slipway needs but impersonation.
        await kube.applyObject({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name },
          rules: [
            {
              apiGroups: [''],
              resources: ['namespaces', 'configmaps', 'secrets', 'serviceaccounts'],
              verbs: ['create'],
            },
            { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
            { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
            { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
            { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] },
          ],
        });
        await kube.applyObject({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
          subjects: [{ kind: 'ServiceAccount', name: 'weak', namespace }],
        });
        await kube.applyObject({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'weak', namespace },
        });
        const kubeconfig = await serviceAccountKubeconfig(kube, namespace, 'weak');
        expect((await register({ name: `weak-${suffix}`, kubeconfig })).statusCode).toBe(201);
        const check = (
          await admin.request({ method: 'POST', url: `/api/v1/clusters/weak-${suffix}/check` })
        ).json();
        expect(check).toMatchObject({
          reachable: true,
          ok: false,
          error: 'the credentials may not: impersonate serviceaccounts',
        });
        expect(check.permissions.filter((p: { allowed: boolean }) => !p.allowed)).toEqual([
          { verb: 'impersonate', resource: 'serviceaccounts', allowed: false },
        ]);
        expect(
          (await admin.request({ method: 'DELETE', url: `/api/v1/clusters/weak-${suffix}` })).statusCode,
        ).toBe(204);
      } finally {
        await deleteClusterRbac(kube, 'ClusterRoleBinding', name);
        await deleteClusterRbac(kube, 'ClusterRole', name);
        await kube.deleteNamespace(namespace);
      }
    });

    it('reports an unreachable cluster as a failed check within the time bound', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = net.createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port: p } = server.address() as net.AddressInfo;
          server.close(() => resolve(p));
        });
      });
      const kubeconfig = testKubeconfig().replace(
        /server: https:\/\/127\.0\.0\.1:\d+/,
        `server: https://127.0.0.1:${port}`,
      );
      expect((await register({ name: 'gone', kubeconfig })).statusCode).toBe(201);
      const started = Date.now();
      const check = (await admin.request({ method: 'POST', url: '/api/v1/clusters/gone/check' })).json();
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(check).toMatchObject({ reachable: false, ok: false, serverVersion: null });
      expect(check.error).toMatch(/cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+/);
    });

    it('registers the cluster Slipway runs in, and its check says why it fails outside one', async () => {
      const created = await register({ name: 'here', inCluster: true });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ inCluster: true, server: null });
      const check = (await admin.request({ method: 'POST', url: '/api/v1/clusters/here/check' })).json();
      expect(check).toMatchObject({ reachable: false, ok: false });
      expect(check.error).toEqual(expect.any(String));
      const both = await register({ name: 'both', inCluster: true, kubeconfig: testKubeconfig() });
      expect(both.json().details[0].field).toBe('body.inCluster');
      expect((await admin.request({ method: 'DELETE', url: '/api/v1/clusters/here' })).statusCode).toBe(204);
    });

    it('rejects a bad kubeconfig or context naming the field', async () => {
      const notYaml = await register({ name: 'bad', kubeconfig: 'clusters: [' });
      expect(notYaml.statusCode).toBe(400);
      expect(notYaml.json().details[0].field).toBe('body.kubeconfig');
      const badContext = await register({ name: 'bad', kubeconfig: testKubeconfig(), context: 'nope' });
      expect(badContext.statusCode).toBe(400);
      expect(badContext.json().details[0]).toMatchObject({ field: 'body.context' });
      const nothing = await register({ name: 'bad' });
      expect(nothing.statusCode).toBe(400);
      expect(nothing.json().details[0].field).toBe('body.kubeconfig');
    });

    it('is for platform admins only', async () => {
      await t.db.prisma.user.create({
        data: { username: 'dev', passwordHash: await hashPassword('developer-password') },
      });
      const developer = await signIn(t.app, 'dev', 'developer-password');
      expect((await developer.request({ method: 'GET', url: '/api/v1/clusters' })).statusCode).toBe(403);
      const create = await developer.request({
        method: 'POST',
        url: '/api/v1/clusters',
        payload: { name: 'mine', kubeconfig: testKubeconfig() },
      });
      expect(create.statusCode).toBe(403);
      expect(create.json().message).toBe('you do not have the permission platform.clusters.manage');
    });

    it('refuses to unregister a cluster that environments use', async () => {
      await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces',
        payload: { slug: 'uses', name: 'Uses' },
      });
      const env = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/uses/environments',
        payload: { name: 'dev', cluster: 'local' },
      });
      expect(env.statusCode).toBe(201);
      const refused = await admin.request({ method: 'DELETE', url: '/api/v1/clusters/local' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().message).toBe(
        'cluster "local" is used by 1 environment; move or delete them first',
      );
      expect((await admin.request({ method: 'DELETE', url: '/api/v1/clusters/gone' })).statusCode).toBe(204);
    });
  },
);

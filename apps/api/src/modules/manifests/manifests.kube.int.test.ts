import { randomBytes } from 'node:crypto';
import {
  adminClient,
  clusterSkipReason,
  createTestNamespace,
  eventually,
  testKubeconfig,
} from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    slipway.dev/environment: \${{ environment.name }}
spec:
  replicas: \${{ params.replicas }}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          env:
            - name: GREETING
              value: \${{ params.greeting }}
          envFrom:
            - configMapRef:
                name: \${{ release.config.app-config }}
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - port: 80
`;

describe.skipIf(postgresSkipReason() || clusterSkipReason())('manifest validation on a real cluster', () => {
  let t: TestApp;
  let client: SignedInClient;
  const kube = adminClient();
  // Namespaces are cluster-wide: a unique workspace slug keeps reruns apart.
  const ws = `mf-${randomBytes(3).toString('hex')}`;
  const namespace = `${ws}-dev`;
  const validate = (payload: object) =>
    client.request({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/projects/api/manifest-sets/validate`,
      payload,
    });

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    for (const [url, payload] of [
      ['/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [`/api/v1/workspaces/${ws}/projects`, { slug: 'api', name: 'api' }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: 'local' }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'laptop' }],
    ] as const) {
      const response = await client.request({ method: 'POST', url, payload });
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    }
  });
  const namespaces = [namespace];
  afterAll(async () => {
    for (const name of namespaces) await kube.deleteNamespace(name).catch(() => undefined);
    await t?.close();
  });

  it('dry-runs valid manifests with placeholders as the deployer, creating nothing', async () => {
    // RBAC reaches the authorizer's cache shortly after the binding is made.
    const result = await eventually('the deployer may dry-run in its namespace', async () => {
      const response = await validate({
        files: { 'web.yaml': DEPLOYMENT, 'svc.yaml': SERVICE },
        environment: 'dev',
      });
      return response.json().valid ? response.json() : undefined;
    });
    expect(result).toEqual({ valid: true, problems: [] });
    expect(
      await kube.getObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace }),
    ).toBeNull();
    expect(await kube.getObject({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace })).toBeNull();
  });

  it('reports a field the cluster does not know and a value it refuses at their lines', async () => {
    const response = await validate({
      files: {
        'web.yaml': DEPLOYMENT.replace('  replicas:', '  replicaz: 2\n  replicas:'),
        'svc.yaml': SERVICE.replace('port: 80', 'port: 99999'),
      },
      environment: 'dev',
    });
    expect(response.statusCode).toBe(200);
    const { valid, problems } = response.json();
    expect(valid).toBe(false);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'web.yaml', line: 8, column: 3, path: 'spec.replicaz' }),
        expect.objectContaining({ file: 'svc.yaml', line: 8, column: 7, path: 'spec.ports[0].port' }),
      ]),
    );
    expect(problems.find((p: { file: string }) => p.file === 'svc.yaml').message).toMatch(/Service web/);
  });

  it('refuses what the deployer may not touch: another namespace, a cluster-scoped kind', async () => {
    const response = await validate({
      files: {
        'other.yaml': SERVICE.replace('name: web', 'name: web\n  namespace: kube-system'),
        'role.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: mine\nrules: []\n',
      },
      environment: 'dev',
    });
    const problems = response.json().problems;
    expect(problems.map((p: { file: string; line: number }) => [p.file, p.line])).toEqual([
      ['other.yaml', 1],
      ['role.yaml', 1],
    ]);
    for (const problem of problems) expect(problem.message).toMatch(/forbidden|cannot/i);
  });

  it('gives an environment made before deployers existed its deployer, then dry-runs as it', async () => {
    // An environment row on a namespace without the deployer service account.
    const old = await createTestNamespace(kube, 'old');
    namespaces.push(old);
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: ws } });
    const cluster = await t.db.prisma.cluster.findUniqueOrThrow({ where: { name: 'local' } });
    await t.db.prisma.environment.create({
      data: { workspaceId: workspace.id, name: 'old', clusterId: cluster.id, namespace: old },
    });
    const result = await eventually('the old environment validates', async () => {
      const response = await validate({ files: { 'svc.yaml': SERVICE }, environment: 'old' });
      return response.json().valid ? response.json() : undefined;
    });
    expect(result).toEqual({ valid: true, problems: [] });
    expect(
      await kube.getObject({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: 'slipway-deployer',
        namespace: old,
      }),
    ).not.toBeNull();
  });

  it('answers 404 for an unknown environment and 400 for one without a cluster', async () => {
    const unknown = await validate({ files: { 'svc.yaml': SERVICE }, environment: 'qa' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().details).toEqual([{ field: 'body.environment', message: 'no environment "qa"' }]);
    const local = await validate({ files: { 'svc.yaml': SERVICE }, environment: 'laptop' });
    expect(local.statusCode).toBe(400);
    expect(local.json().details).toEqual([{ field: 'body.environment', message: 'has no cluster' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, clusterSkipReason, createTestNamespace, eventually } from '../test/cluster.ts';
import {
  crashLoopingPods,
  DEPLOYER_SERVICE_ACCOUNT,
  deployerUser,
  type KubeClient,
  KubeError,
  type KubernetesObject,
  rolloutStatusOf,
  type V1Deployment,
} from './index.ts';

function deployment(
  name: string,
  options: { annotations?: Record<string, string>; progressDeadlineSeconds?: number } = {},
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      ...(options.progressDeadlineSeconds
        ? { progressDeadlineSeconds: options.progressDeadlineSeconds }
        : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] },
      },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<KubeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KubeError) return error;
    throw error;
  }
  throw new Error('expected a KubeError, the call succeeded');
}

describe.skipIf(clusterSkipReason())('deploy operations against the local control plane', () => {
  let kube: KubeClient;
  let namespace: string;
  let other: string;

  beforeAll(async () => {
    kube = adminClient();
    namespace = await createTestNamespace(kube, 'deploy');
    other = await createTestNamespace(kube, 'other');
  });
  afterAll(async () => {
    await kube?.deleteNamespace(namespace);
    await kube?.deleteNamespace(other);
  });

  it('applies any kind server-side; a dry run persists nothing', async () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dry', namespace },
      data: { a: '1' },
    };
    const dry = await kube.applyObject(configMap, { dryRun: true });
    expect(dry.metadata?.name).toBe('dry');
    expect(await kube.getObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'dry', namespace })).toBeNull();

    const applied: KubernetesObject = await kube.applyObject(configMap);
    expect(applied.metadata?.managedFields?.[0]?.manager).toBe('slipway');
    const read = (await kube.getObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'dry', namespace })) as
      | (KubernetesObject & { data?: Record<string, string> })
      | null;
    expect(read?.data).toEqual({ a: '1' });
  });

  it('Strict field validation rejects an unknown field, naming its path in causes', async () => {
    const object = deployment('strict') as V1Deployment & { spec: { replicaz?: number } };
    object.metadata = { ...object.metadata, namespace };
    object.spec.replicaz = 3;
    const error = await rejection(kube.applyObject(object, { dryRun: true }));
    expect(error.statusCode).toBe(400);
    expect(error.causes?.map((c) => `${c.field} ${c.message}`).join('; ')).toMatch(/spec\.replicaz/);
    // Nothing was persisted either way.
    expect(
      await kube.getObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'strict', namespace }),
    ).toBeNull();
  });

  it('names an apiVersion or kind the cluster does not serve', async () => {
    const unknownKind = await rejection(
      kube.applyObject({ apiVersion: 'apps/v1', kind: 'Deploymint', metadata: { name: 'x', namespace } }),
    );
    expect(unknownKind.statusCode).toBe(400);
    expect(unknownKind.causes?.[0]?.field).toBe('kind');
    const unknownGroup = await rejection(
      kube.applyObject({
        apiVersion: 'nope.example.com/v1',
        kind: 'Thing',
        metadata: { name: 'x', namespace },
      }),
    );
    expect(unknownGroup.statusCode).toBe(400);
    expect(unknownGroup.causes?.[0]?.field).toBe('apiVersion');
  });

  it('the impersonated deployer may write its namespace only: another namespace and cluster-scoped kinds are 403', async () => {
    await kube.applyObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace },
    });
    await kube.applyObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: DEPLOYER_SERVICE_ACCOUNT, namespace }],
    });
    const deployer = kube.impersonating(deployerUser(namespace));
    expect(deployerUser(namespace)).toBe(`system:serviceaccount:${namespace}:slipway-deployer`);

    await eventually(
      'the deployer may apply in its namespace',
      async () =>
        (
          await deployer.applyObject({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'mine', namespace },
          })
        ).metadata?.name,
    );
    const elsewhere = await rejection(
      deployer.applyObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'theirs', namespace: other },
      }),
    );
    expect(elsewhere.statusCode).toBe(403);
    const clusterScoped = await rejection(
      deployer.applyObject({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `slipway-test-${namespace}` },
        rules: [],
      }),
    );
    expect(clusterScoped.statusCode).toBe(403);
    expect(clusterScoped.message).toMatch(/slipway-deployer/);
  });

  it('creates a ConfigMap once (false the second time), lists by label and deletes idempotently', async () => {
    const configMap = {
      metadata: { name: 'app-config-v1', labels: { 'slipway.dev/config-set': 'app-config' } },
      data: { 'application.yml': 'port: 8080\n' },
      immutable: true,
    };
    expect(await kube.createConfigMap(namespace, configMap)).toBe(true);
    expect(await kube.createConfigMap(namespace, { ...configMap, data: { changed: 'yes' } })).toBe(false);
    const listed = await kube.listConfigMaps(namespace, 'slipway.dev/config-set=app-config');
    expect(listed.map((c) => [c.metadata?.name, c.data])).toEqual([
      ['app-config-v1', { 'application.yml': 'port: 8080\n' }],
    ]);
    await kube.deleteConfigMap(namespace, 'app-config-v1');
    await kube.deleteConfigMap(namespace, 'app-config-v1');
    expect(await kube.listConfigMaps(namespace, 'slipway.dev/config-set=app-config')).toEqual([]);
  });

  it('follows a Deployment rollout until it is available', async () => {
    await kube.applyObject({ ...deployment('ok'), metadata: { name: 'ok', namespace } });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ok', namespace };
    const seen = new Set<string>();
    const done = await eventually('the rollout to finish', async () => {
      const status = rolloutStatusOf((await kube.getObject(ref)) as KubernetesObject);
      seen.add(status.state);
      return status.state === 'done' ? status : undefined;
    });
    expect(done.message).toBe('deployment "ok" successfully rolled out');
    expect(seen.has('failed')).toBe(false);
  });

  it('a Deployment whose pods never get ready fails at its progress deadline, with the condition message', async () => {
    await kube.applyObject({
      ...deployment('stuck', {
        annotations: { 'slipway.dev/test-never-ready': 'true' },
        progressDeadlineSeconds: 2,
      }),
      metadata: { name: 'stuck', namespace },
    });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'stuck', namespace };
    const failed = await eventually('the progress deadline to pass', async () => {
      const status = rolloutStatusOf((await kube.getObject(ref)) as KubernetesObject);
      expect(status.state).not.toBe('done');
      return status.state === 'failed' ? status : undefined;
    });
    expect(failed.message).toMatch(
      /^deployment "stuck" exceeded its progress deadline: ReplicaSet "stuck-\w+" has timed out progressing\.$/,
    );
    const pods = await kube.listPods(namespace, 'app=stuck');
    expect(pods.length).toBe(2);
    expect(pods.every((pod) => pod.status?.phase === 'Running')).toBe(true);
    expect(crashLoopingPods(pods)).toEqual([]);
  });

  it('shows the containers of crash-looping pods', async () => {
    await kube.applyObject({
      ...deployment('crash', { annotations: { 'slipway.dev/test-crash-loop': 'true' } }),
      metadata: { name: 'crash', namespace },
    });
    const crashing = await eventually('both pods to crash-loop', async () => {
      const found = crashLoopingPods(await kube.listPods(namespace, 'app=crash'));
      return found.length === 2 ? found : undefined;
    });
    for (const container of crashing) {
      expect(container).toMatchObject({ container: 'web', reason: 'CrashLoopBackOff' });
      expect(container.pod).toMatch(/^crash-/);
      expect(container.restarts).toBeGreaterThan(0);
    }
    const status = rolloutStatusOf(
      (await kube.getObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'crash',
        namespace,
      })) as KubernetesObject,
    );
    expect(status.state).toBe('progressing');
  });

  it('reads the OpenAPI v3 index and a group-version document', async () => {
    const paths = await kube.openApiV3Paths();
    expect(paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const document = (await kube.openApiV3Document(paths['apis/apps/v1']?.serverRelativeURL ?? '')) as {
      components?: { schemas?: Record<string, unknown> };
    };
    expect(document.components?.schemas?.['io.k8s.api.apps.v1.Deployment']).toBeTruthy();
  });
});

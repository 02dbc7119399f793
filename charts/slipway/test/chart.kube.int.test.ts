// The Slipway chart on the local control plane (KWOK pods): lint, render, server-side dry-run
// of every object, install, upgrade (generated secrets kept), and refused bad values.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../apps/api/src/config.ts';
import { REQUIRED_ACCESS } from '../../../apps/api/src/modules/clusters/clusters.service.ts';
import { ensureDeployer, ensureNamespace } from '../../../apps/api/src/modules/environments/namespaces.ts';
import { createKubeClient, deployerUser } from '../../../packages/kube/src/index.ts';
import {
  adminClient,
  clusterSkipReason,
  createTestNamespace,
  deleteClusterScoped,
  eventually,
  serviceAccountKubeconfig,
  TEST_KUBECONFIG_ENV,
} from '../../../packages/kube/test/cluster.ts';
import {
  ALL_ON,
  DATABASE_URL,
  expectOk,
  type KubernetesObject,
  objectsOf,
  type V1Deployment,
  type V1Job,
  type V1Secret,
  valuesFile,
} from './fixtures.ts';
import { CHART, type CommandResult, ensureHelm, helmRunner } from './helm.ts';

const skipReason = clusterSkipReason();
let helm: ((...args: string[]) => Promise<CommandResult>) | undefined;
let helmSkip: string | undefined;

beforeAll(async () => {
  if (skipReason) return;
  const built = await ensureHelm();
  if ('skip' in built) {
    helmSkip = built.skip;
    return;
  }
  const kubeconfigFile = process.env[TEST_KUBECONFIG_ENV];
  if (!kubeconfigFile) throw new Error(`${TEST_KUBECONFIG_ENV} is not set`);
  helm = helmRunner(built.helm, kubeconfigFile);
}, 1_200_000);

/** The helm runner, or skips the test (no cluster, or no Go outside CI). */
function helmOrSkip(skip: (note?: string) => never) {
  return helm ?? skip(skipReason ?? helmSkip);
}

/** The environment of the server container of rendered objects' Deployment. */
function serverEnv(objects: Array<{ kind?: string }>) {
  return (objects.find((o) => o.kind === 'Deployment') as V1Deployment | undefined)?.spec?.template.spec
    ?.containers[0]?.env;
}

describe('charts/slipway', () => {
  const client = skipReason ? undefined : adminClient();
  const namespaces: string[] = [];
  const releases: { name: string; namespace: string }[] = [];

  async function namespace(): Promise<string> {
    if (!client) throw new Error('no cluster');
    const name = await createTestNamespace(client, 'chart');
    namespaces.push(name);
    return name;
  }

  afterAll(async () => {
    if (!client) return;
    for (const release of releases) {
      await helm?.('uninstall', release.name, '-n', release.namespace, '--wait', '--timeout', '2m');
      // Cluster-scoped objects of the release, in case the uninstall did not get to them.
      for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
        await deleteClusterScoped(client, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind,
          name: `${release.name}-slipway-${release.namespace}`,
        });
      }
    }
    for (const name of namespaces) await client.deleteNamespace(name);
  });

  test('helm lint --strict passes with the default values and with every optional part on', async ({
    skip,
  }) => {
    const run = helmOrSkip(skip);
    expectOk(await run('lint', '--strict', CHART, '--set', `database.url=${DATABASE_URL}`));
    expectOk(await run('lint', '--strict', CHART, '-f', valuesFile('all-on', ALL_ON)));
  });

  test('helm template renders the default objects, and every optional part when on', async ({ skip }) => {
    const run = helmOrSkip(skip);
    const defaults = objectsOf(
      expectOk(await run('template', 'r1', CHART, '-n', 'ns1', '--set', `database.url=${DATABASE_URL}`)),
    );
    expect(defaults.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ClusterRole/r1-slipway-ns1',
      'ClusterRoleBinding/r1-slipway-ns1',
      'Deployment/r1-slipway',
      'Job/r1-slipway-migrate',
      'PodDisruptionBudget/r1-slipway',
      'Secret/r1-slipway',
      'Service/r1-slipway',
      'Service/r1-slipway-metrics',
      'ServiceAccount/r1-slipway',
    ]);
    const deployment = defaults.find((o) => o.kind === 'Deployment') as V1Deployment;
    const pod = deployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.strategy?.type).toBe('RollingUpdate');
    expect(container?.image).toBe('slipway/slipway:0.1.0');
    expect(container?.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container?.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(container?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod?.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThan(8);
    expect(container?.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(['/tmp', '/var/lib/slipway']);
    const env = Object.fromEntries(
      (container?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]),
    );
    expect(env).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '8080',
      SLIPWAY_METRICS_PORT: '9464',
      DATABASE_URL: { name: 'r1-slipway', key: 'database-url' },
      SLIPWAY_SECRET_KEY: { name: 'r1-slipway', key: 'secret-key' },
      SLIPWAY_ADMIN_PASSWORD: { name: 'r1-slipway', key: 'admin-password' },
      // Pipeline Jobs' restore/upload steps reach the API through its Service.
      SLIPWAY_JOB_API_URL: 'http://r1-slipway.ns1.svc:80',
    });
    const secret = defaults.find((o) => o.kind === 'Secret') as V1Secret;
    expect(Buffer.from(secret.data?.['secret-key'] ?? '', 'base64').toString()).toMatch(
      /^[A-Za-z0-9+/]{43}=$/,
    );
    expect(Buffer.from(secret.data?.['database-url'] ?? '', 'base64').toString()).toBe(DATABASE_URL);
    // The server accepts the environment the chart gives it (values resolved from the Secret).
    const resolved = Object.fromEntries(
      (container?.env ?? []).map((e) => {
        const ref = e.valueFrom?.secretKeyRef;
        const value = ref ? Buffer.from(secret.data?.[ref.key] ?? '', 'base64').toString() : e.value;
        return [e.name, value];
      }),
    );
    const config = loadConfig(resolved);
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: DATABASE_URL,
      dataDir: '/var/lib/slipway',
    });
    expect(config.secretKey).toHaveLength(32);
    expect(config.adminPassword).toHaveLength(24);
    const job = defaults.find((o) => o.kind === 'Job') as V1Job;
    expect(job?.metadata?.annotations?.['helm.sh/hook']).toBe('pre-upgrade');
    // The Services, the PDB and the Deployment select the server's pods, never the migration
    // Job's pod (it does not listen, and a PDB cannot scale a Job).
    const serverPod = deployment.spec?.template.metadata?.labels ?? {};
    const migrationPod = job.spec?.template.metadata?.labels ?? {};
    const selecting = defaults.filter((o) =>
      ['Service', 'PodDisruptionBudget', 'Deployment'].includes(o.kind ?? ''),
    );
    expect(selecting).toHaveLength(4);
    for (const object of selecting) {
      const spec = (
        object as { spec: { selector: Record<string, string> | { matchLabels: Record<string, string> } } }
      ).spec;
      const selector = 'matchLabels' in spec.selector ? spec.selector.matchLabels : spec.selector;
      const selects = (labels: Record<string, string>) =>
        Object.entries(selector).every(([key, value]) => labels[key] === value);
      expect(selects(serverPod), `${object.kind}/${object.metadata?.name} selects the server`).toBe(true);
      expect(selects(migrationPod), `${object.kind}/${object.metadata?.name} selects the migration`).toBe(
        false,
      );
    }
    // `helm uninstall` keeps the Secret: its key decrypts what the database stores.
    expect(secret.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');

    // CloudNativePG's example values: DATABASE_URL from the operator's `<cluster>-app` Secret
    // (key `uri`); with every secret brought along, the chart creates no Secret of its own.
    const existing = objectsOf(
      expectOk(
        await run(
          'template',
          'r1',
          CHART,
          '-n',
          'ns1',
          '-f',
          path.join(CHART, 'examples/values-cloudnativepg.yaml'),
          '--set',
          'secretKey.existingSecret=keys,admin.existingSecret=admin',
        ),
      ),
    );
    expect(existing.map((o) => o.kind)).not.toContain('Secret');
    const existingEnv = serverEnv(existing);
    expect(existingEnv).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'slipway-db-app', key: 'uri' } },
    });
    expect(existingEnv).toContainEqual({
      name: 'SLIPWAY_SECRET_KEY',
      valueFrom: { secretKeyRef: { name: 'keys', key: 'secret-key' } },
    });

    const allOn = objectsOf(
      expectOk(await run('template', 'r1', CHART, '-n', 'ns1', '-f', valuesFile('all-on', ALL_ON))),
    );
    const kinds = allOn.map((o) => o.kind);
    expect(kinds).toContain('Ingress');
    expect(kinds).toContain('ServiceMonitor');
    const monitor = allOn.find((o) => o.kind === 'ServiceMonitor') as KubernetesObject & {
      spec: { endpoints: { port: string; path: string }[] };
    };
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
    const ingressDeployment = allOn.find((o) => o.kind === 'Deployment') as V1Deployment;
    expect(ingressDeployment.spec?.template.spec?.containers[0]?.env).toContainEqual({
      name: 'SLIPWAY_PUBLIC_URL',
      value: 'https://slipway.example.com',
    });
    const jobApi = objectsOf(
      expectOk(
        await run(
          'template',
          'r1',
          CHART,
          '-n',
          'ns1',
          '--set',
          `database.url=${DATABASE_URL},config.jobApiUrl=http://api.internal:8080`,
        ),
      ),
    );
    expect(serverEnv(jobApi)).toContainEqual({
      name: 'SLIPWAY_JOB_API_URL',
      value: 'http://api.internal:8080',
    });
    const s3Store = 's3://builds/slipway?endpoint=https://minio.internal:9000&region=eu-1';
    const withBucket = objectsOf(
      expectOk(
        await run(
          'template',
          'r1',
          CHART,
          '-n',
          'ns1',
          '-f',
          valuesFile('bucket', {
            database: { url: DATABASE_URL },
            artifacts: { store: s3Store, existingSecret: 'builds-s3' },
          }),
        ),
      ),
    );
    const bucketEnv = serverEnv(withBucket);
    expect(bucketEnv).toContainEqual({ name: 'SLIPWAY_ARTIFACT_STORE', value: s3Store });
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      expect(bucketEnv).toContainEqual({
        name: key,
        valueFrom: { secretKeyRef: { name: 'builds-s3', key } },
      });
    }
    // Unset: the server's default (PostgreSQL), no credentials.
    const defaultEnv = serverEnv(jobApi);
    expect(defaultEnv?.map((e) => e.name)).not.toContain('SLIPWAY_ARTIFACT_STORE');
    expect(defaultEnv?.map((e) => e.name)).not.toContain('AWS_ACCESS_KEY_ID');
  });

  test('every rendered object passes a server-side dry-run apply with field validation Strict', async ({
    skip,
  }) => {
    const run = helmOrSkip(skip);
    if (!client) throw new Error('no cluster');
    const ns = await namespace();
    const objects = objectsOf(
      expectOk(await run('template', `dry-${ns}`, CHART, '-n', ns, '-f', valuesFile('all-on', ALL_ON))),
    );
    // ServiceMonitor is a CRD of the Prometheus Operator, not installed on the test cluster:
    // the only kind not sent (its fields are checked by the template test above).
    const checked = objects.filter((o) => o.kind !== 'ServiceMonitor');
    expect(checked.length).toBe(objects.length - 1);
    for (const object of checked) {
      const namespaced = !['ClusterRole', 'ClusterRoleBinding'].includes(object.kind ?? '');
      const body = namespaced ? { ...object, metadata: { ...object.metadata, namespace: ns } } : object;
      await expect(
        client.applyObject(body, { dryRun: true, fieldValidation: 'Strict' }),
        `${object.kind}/${object.metadata?.name}`,
      ).resolves.toMatchObject({ kind: object.kind });
    }

    // The install notes with an Ingress give its URL (a server-side dry run of the install,
    // without the ServiceMonitor the cluster has no kind for).
    const notes = expectOk(
      await run(
        'install',
        `dry-${ns}`,
        CHART,
        '-n',
        ns,
        '--dry-run=server',
        '-f',
        valuesFile('all-on', ALL_ON),
        '--set',
        'metrics.serviceMonitor.enabled=false',
      ),
    );
    expect(notes).toContain('https://slipway.example.com/');
    expect(notes).toContain(
      `kubectl -n ${ns} get secret dry-${ns}-slipway -o jsonpath='{.data.admin-password}'`,
    );
  });

  test('helm install gives an Available Deployment; helm upgrade keeps the generated secret key and admin password', async ({
    skip,
  }) => {
    const run = helmOrSkip(skip);
    if (!client) throw new Error('no cluster');
    const ns = await namespace();
    const release = `rel-${ns.slice(-8)}`;
    releases.push({ name: release, namespace: ns });
    const name = `${release}-slipway`;

    const installed = expectOk(
      await run(
        'install',
        release,
        CHART,
        '-n',
        ns,
        '--set',
        `database.url=${DATABASE_URL}`,
        '--timeout',
        '3m',
      ),
    );
    expect(installed).toContain(`kubectl -n ${ns} get secret ${name} -o jsonpath='{.data.admin-password}'`);
    expect(installed).toContain(`kubectl -n ${ns} port-forward service/${name} 8080:80`);

    const available = (replicas: number) =>
      eventually(
        `Deployment ${name} Available with ${replicas} updated replicas`,
        async () => {
          const d = await client.getDeployment(ns, name);
          const ok =
            d?.status?.observedGeneration === d?.metadata?.generation &&
            d?.status?.updatedReplicas === replicas &&
            d?.status?.availableReplicas === replicas &&
            d?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
          return ok ? d : undefined;
        },
        120_000,
      );
    await available(2);

    // The same release name in a second namespace: its cluster-scoped RBAC objects are its own.
    // Uninstalled, it leaves its Secret; installed again, it adopts it and keeps the key.
    const second = await namespace();
    releases.push({ name: release, namespace: second });
    const installSecond = () =>
      run(
        'install',
        release,
        CHART,
        '-n',
        second,
        '--set',
        `database.url=${DATABASE_URL}`,
        '--timeout',
        '3m',
      );
    expectOk(await installSecond());
    const secondKey = (await client.getSecret(second, name))?.data?.['secret-key'];
    expect(secondKey).toBeTruthy();
    expectOk(await run('uninstall', release, '-n', second, '--wait', '--timeout', '2m'));
    expect((await client.getSecret(second, name))?.data?.['secret-key']).toBe(secondKey);
    expectOk(await installSecond());
    expect((await client.getSecret(second, name))?.data?.['secret-key']).toBe(secondKey);

    // The chart's ServiceAccount may do what Slipway does in the cluster it runs in: every
    // permission the cluster check asks for, an environment's namespace and its deployer bound
    // to `edit` (RBAC's escalation check), and a deploy as that deployer (impersonation).
    const asSlipway = createKubeClient({ kubeconfig: await serviceAccountKubeconfig(client, ns, name) });
    expect((await asSlipway.canI(REQUIRED_ACCESS)).filter((access) => !access.allowed)).toEqual([]);
    const envNamespace = `${ns}-env`;
    namespaces.push(envNamespace);
    await ensureNamespace(asSlipway, {
      namespace: envNamespace,
      workspace: 'w',
      environment: 'e',
      cluster: 'c',
    });
    await ensureDeployer(asSlipway, envNamespace);
    await asSlipway.impersonating(deployerUser(envNamespace)).applyObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'deployed', namespace: envNamespace },
      data: { by: 'the deployer' },
    });

    const before = (await client.getSecret(ns, name))?.data ?? {};
    expect(Buffer.from(before['secret-key'] ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(before['admin-password'] ?? '', 'base64').toString()).toHaveLength(24);

    // Changed values: the pre-upgrade migration Job runs (KWOK completes its pod), then a rollout.
    expectOk(
      await run(
        'upgrade',
        release,
        CHART,
        '-n',
        ns,
        '--set',
        `database.url=${DATABASE_URL}`,
        '--set',
        'replicaCount=3',
        '--set',
        'config.logLevel=debug',
        '--timeout',
        '3m',
      ),
    );
    const upgraded = await available(3);
    expect(upgraded.spec?.template.spec?.containers[0]?.env).toContainEqual({
      name: 'SLIPWAY_LOG_LEVEL',
      value: 'debug',
    });
    const after = (await client.getSecret(ns, name))?.data ?? {};
    expect(after['secret-key']).toBe(before['secret-key']);
    expect(after['admin-password']).toBe(before['admin-password']);
    // The migration Job ran to completion (the job controller's event outlives the Job), and
    // was deleted then (hook-delete-policy hook-succeeded).
    const jobEvents = (await client.listEvents(ns)).filter(
      (e) => e.involvedObject.kind === 'Job' && e.involvedObject.name === `${name}-migrate`,
    );
    expect(jobEvents.map((e) => e.reason)).toContain('Completed');
    expect(await client.getJob(ns, `${name}-migrate`)).toBeNull();
  });

  test('a values file breaking the schema is refused by helm install, naming the field', async ({ skip }) => {
    const run = helmOrSkip(skip);
    const ns = await namespace();
    // Cleaned up like the others, should a broken chart accept it.
    releases.push({ name: `bad-${ns.slice(-8)}`, namespace: ns });
    const install = (name: string, values: unknown) =>
      run('install', `bad-${ns.slice(-8)}`, CHART, '-n', ns, '-f', valuesFile(name, values));
    const wrongType = await install('bad-type', { database: { url: DATABASE_URL }, replicaCount: 'two' });
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(wrongType.stderr).toContain('/replicaCount');

    const unknownKey = await install('bad-key', {
      database: { url: DATABASE_URL },
      service: { port: 80, portt: 81 },
    });
    expect(unknownKey.code).not.toBe(0);
    expect(unknownKey.stderr).toMatch(/\/service.*portt/);
  });

  test('helm install without a database is refused, naming the value', async ({ skip }) => {
    const run = helmOrSkip(skip);
    const ns = await namespace();
    releases.push({ name: `nodb-${ns.slice(-8)}`, namespace: ns });
    const result = await run('install', `nodb-${ns.slice(-8)}`, CHART, '-n', ns);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('database.url or database.existingSecret is required');
    expect(await run('status', `nodb-${ns.slice(-8)}`, '-n', ns)).toMatchObject({ code: 1 });
  });
});

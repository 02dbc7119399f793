// Deploys on the real control plane (KWOK pods): releases applied as the namespace's deployer,
// immutable versioned ConfigMaps mounted by the Deployment, rollback of image and config
// together, ConfigMap GC, a rollout that never becomes available or crash-loops, another
// namespace refused. (A SIGKILLed server mid-deploy: release-restart.kube.int.test.ts.)
import { randomBytes, randomUUID } from 'node:crypto';
import { FINISHED_RELEASE_STATUSES, type Release } from '@slipway/contracts';
import type { V1Deployment } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import type { PlannedDeploy } from '@slipway/pipeline';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFESTS } from '../../../test/deploy-fixtures.ts';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
} from '../../../test/helper.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { createAuditRepo } from '../audit/audit.repo.ts';
import { createClusterClients } from '../clusters/cluster-clients.ts';
import { createConfigGc } from './config-gc.ts';
import { createDeployExecutor, type DeployExecutor } from './deploy-executor.ts';
import { createReleasesRepo } from './releases.repo.ts';

const SPEC =
  'stages:\n  - name: build\n    jobs:\n      - name: compile\n        image: alpine\n        steps:\n          - run: make\n';

describe.skipIf(postgresSkipReason() || clusterSkipReason())('releases on the real control plane', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let deploys: DeployExecutor;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `rel-${suffix}`;
  const namespace = `${ws}-staging`;
  const releasesUrl = `/api/v1/workspaces/${ws}/projects/shop/releases`;
  const ids = { project: '', environment: '', configSet: '', manifestSet: '', run: '' };

  async function configVersion(version: number, data: Record<string, string>) {
    return t.db.prisma.configVersion.create({
      data: { configSetId: ids.configSet, environmentId: ids.environment, version, data },
    });
  }

  async function manifestVersion(version: number, files: Record<string, string>) {
    await t.db.prisma.manifestVersion.create({ data: { manifestSetId: ids.manifestSet, version, files } });
  }

  /** What a deploy job of the run does: its release, from the pins, deployed by the controller. */
  async function deploy(pins: { manifests: number; config: { id: string; version: number } }, image: string) {
    await t.db.prisma.pipelineRun.update({
      where: { id: ids.run },
      data: {
        deployPins: { manifestSets: { web: pins.manifests }, configSets: { 'app-config': pins.config } },
      },
    });
    const planned: PlannedDeploy = {
      manifests: 'web',
      path: undefined,
      image,
      config: ['app-config'],
      timeoutSeconds: 60,
    } as PlannedDeploy;
    const jobRunId = randomUUID();
    await deploys.executor.start({
      externalName: `deploy-${jobRunId.slice(0, 8)}`,
      labels: {
        workspace: ws,
        project: 'shop',
        pipeline: 'ci',
        runId: ids.run,
        runNumber: 1,
        job: 'deploy',
        stage: 'deploy',
        attempt: 1,
      },
      namespace,
      repository: null,
      steps: [],
      env: {},
      secretEnv: {},
      gitAuth: undefined,
      registryConfigs: {},
      timeoutSeconds: undefined,
      resources: {},
      deploy: { jobRunId, planned, values: { 'run.number': '1' } },
    });
    return finished((await t.db.prisma.release.findUniqueOrThrow({ where: { jobRunId } })).number);
  }

  /** The release once it has ended. */
  async function finished(number: number): Promise<Release> {
    return eventually(
      `release ${number} to end`,
      async () => {
        const release = (
          await admin.request({ method: 'GET', url: `${releasesUrl}/${number}` })
        ).json() as Release;
        // Releases start queued (the controller admits them); ended means a final status.
        return FINISHED_RELEASE_STATUSES.includes(release.status) ? release : undefined;
      },
      90_000,
    );
  }

  const deployment = async () => (await kube.getDeployment(namespace, 'web')) as V1Deployment;
  const mountedConfigMap = async () =>
    (await deployment()).spec?.template.spec?.volumes?.[0]?.configMap?.name;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    for (const [url, payload] of [
      ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [`/api/v1/workspaces/${ws}/projects`, { slug: 'shop', name: 'shop' }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'staging', cluster: `local-${suffix}` }],
      [`/api/v1/workspaces/${ws}/projects/shop/pipelines`, { name: 'ci', spec: SPEC }],
      [
        `/api/v1/workspaces/${ws}/projects/shop/pipelines/ci/runs`,
        { releaseType: 'default', environment: 'staging' },
      ],
    ] as const) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
    const prisma = t.db.prisma;
    ids.project = (
      await prisma.project.findFirstOrThrow({ where: { slug: 'shop', workspace: { slug: ws } } })
    ).id;
    ids.environment = (
      await prisma.environment.findFirstOrThrow({ where: { name: 'staging', workspace: { slug: ws } } })
    ).id;
    ids.run = (
      await prisma.pipelineRun.findFirstOrThrow({ where: { pipeline: { projectId: ids.project } } })
    ).id;
    ids.configSet = (
      await prisma.configSet.create({ data: { projectId: ids.project, name: 'app-config' } })
    ).id;
    ids.manifestSet = (
      await prisma.manifestSet.create({ data: { projectId: ids.project, name: 'web', latestVersion: 5 } })
    ).id;
    deploys = createDeployExecutor({ releases: createReleasesRepo(prisma), controller: () => t.releases });
    t.releases.start();
  });

  afterAll(async () => {
    await t?.close();
    await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  let v1 = { id: '', version: 1 };
  let v2 = { id: '', version: 2 };

  it('deploys a Deployment and a Service with config v1: succeeded, ConfigMap app-config-v1 immutable and mounted', async () => {
    await manifestVersion(1, { 'app.yaml': MANIFESTS() });
    v1 = { id: (await configVersion(1, { LOG_LEVEL: 'info' })).id, version: 1 };
    const release = await deploy({ manifests: 1, config: v1 }, 'registry.example.com/shop:1');
    expect(release).toMatchObject({
      number: 1,
      status: 'succeeded',
      image: 'registry.example.com/shop:1',
      config: [{ name: 'app-config', version: 1, configMapName: 'app-config-v1' }],
    });
    const [configMap] = await kube.listConfigMaps(namespace, 'slipway.dev/config-set=app-config');
    expect(configMap).toMatchObject({
      immutable: true,
      data: { LOG_LEVEL: 'info' },
      metadata: {
        name: 'app-config-v1',
        labels: {
          'app.kubernetes.io/managed-by': 'slipway',
          'slipway.dev/project': 'shop',
          'slipway.dev/release': '1',
          'slipway.dev/config-version': '1',
        },
      },
    });
    expect(await mountedConfigMap()).toBe('app-config-v1');
    expect((await deployment()).metadata?.labels?.['slipway.dev/release']).toBe('1');
    const log = (await admin.request({ method: 'GET', url: `${releasesUrl}/1/log` })).json();
    const lines = log.lines.map((l: { text: string }) => l.text);
    expect(lines).toContain('ConfigMap/app-config-v1 created (immutable)');
    expect(lines).toContain(`Deployment/${namespace}/web created`);
    expect(lines).toContain(`Service/${namespace}/web created`);
    expect(lines.at(-1)).toBe('release succeeded: every workload is available');
  });

  it('deploys config v2: release 2 mounts app-config-v2 and supersedes release 1', async () => {
    v2 = { id: (await configVersion(2, { LOG_LEVEL: 'debug' })).id, version: 2 };
    const release = await deploy({ manifests: 1, config: v2 }, 'registry.example.com/shop:2');
    expect(release).toMatchObject({ number: 2, status: 'succeeded' });
    expect(await mountedConfigMap()).toBe('app-config-v2');
    expect((await deployment()).spec?.template.spec?.containers[0]?.image).toBe(
      'registry.example.com/shop:2',
    );
    const one = (await admin.request({ method: 'GET', url: `${releasesUrl}/1` })).json();
    expect(one.status).toBe('superseded');
  });

  it('rolls back to release 1: the image and the ConfigMap reference come back together', async () => {
    // The ConfigMap of v1 was deleted meanwhile: it is made again from Postgres.
    await kube.deleteConfigMap(namespace, 'app-config-v1');
    const response = await admin.request({ method: 'POST', url: `${releasesUrl}/1/rollback`, payload: {} });
    expect(response.statusCode, response.body).toBe(201);
    const release = await finished(response.json().number);
    expect(release).toMatchObject({ number: 3, status: 'succeeded', rollbackOf: 1 });
    expect(await mountedConfigMap()).toBe('app-config-v1');
    expect((await deployment()).spec?.template.spec?.containers[0]?.image).toBe(
      'registry.example.com/shop:1',
    );
    const names = (await kube.listConfigMaps(namespace, 'slipway.dev/project=shop')).map(
      (c) => c.metadata?.name,
    );
    expect(names).toContain('app-config-v1');
    const two = (await admin.request({ method: 'GET', url: `${releasesUrl}/2` })).json();
    expect(two.status).toBe('rolled-back');
    const live = await admin.request({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/environments/staging/live`,
    });
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json().items).toEqual([
      expect.objectContaining({
        project: 'shop',
        live: expect.objectContaining({ number: 3, rollbackOf: 1 }),
        latest: null,
        rollout: { state: 'available', message: null },
        workloads: [expect.objectContaining({ name: 'web', images: ['registry.example.com/shop:1'] })],
      }),
    ]);
  });

  it('collects ConfigMap versions outside the retention, each deletion audited', async () => {
    await t.db.prisma.environment.update({ where: { id: ids.environment }, data: { retainReleases: 1 } });
    const gc = createConfigGc({
      releases: createReleasesRepo(t.db.prisma),
      clients: createClusterClients({ secrets: createSecretBox(TEST_SECRET_KEY), timeoutMs: 5_000 }),
      audit: createAuditRepo(t.db.prisma),
    });
    expect(await gc.collect({ projectId: ids.project, environmentId: ids.environment })).toBe(1);
    const names = (await kube.listConfigMaps(namespace, 'slipway.dev/project=shop')).map(
      (c) => c.metadata?.name,
    );
    // The ConfigMap among the manifests is the release's own object, never collected.
    expect(names.sort()).toEqual(['app-config-v1', 'web-settings']);
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { action: 'deleteConfigMap', workspace: ws },
    });
    expect(audit.map((a) => a.objectName)).toEqual([`${ws}/shop/staging/app-config-v2`]);
    await t.db.prisma.environment.update({ where: { id: ids.environment }, data: { retainReleases: 10 } });
  });

  it('fails a Deployment that never becomes available, with the progress deadline as the reason', async () => {
    await manifestVersion(2, { 'app.yaml': MANIFESTS('"slipway.dev/test-never-ready": "true"', '', 3) });
    const release = await deploy({ manifests: 2, config: v1 }, 'registry.example.com/shop:broken');
    expect(release.status).toBe('failed');
    expect(release.message).toMatch(/Deployment\/.*web.*progress deadline/);
  });

  it('fails a Deployment whose pod is crash-looping, naming the pod and container', async () => {
    await manifestVersion(4, { 'app.yaml': MANIFESTS('"slipway.dev/test-crash-loop": "true"') });
    const release = await deploy({ manifests: 4, config: v1 }, 'registry.example.com/shop:crash');
    expect(release.status).toBe('failed');
    expect(release.message).toMatch(
      /pod web-[a-z0-9-]+ container web is crash-looping \(CrashLoopBackOff, \d+ restarts\)/,
    );
    const log = (await admin.request({ method: 'GET', url: `${releasesUrl}/${release.number}/log` })).json();
    expect(log.lines.map((l: { text: string }) => l.text).join('\n')).toContain('BackOff');
  });

  it('refuses a manifest naming another namespace before anything is applied', async () => {
    const other = `${ws}-other`;
    const foreign = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sneaky\n  namespace: ${other}\ndata: {}\n`;
    await manifestVersion(5, { 'app.yaml': MANIFESTS('', foreign) });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } });
    try {
      const before = (await deployment()).metadata?.resourceVersion;
      v2 = { id: v2.id, version: 2 };
      const release = await deploy({ manifests: 5, config: v2 }, 'registry.example.com/shop:3');
      expect(release.status).toBe('failed');
      expect(release.message).toContain(`ConfigMap/${other}/sneaky`);
      expect(release.message).toContain('before anything was applied');
      expect((await deployment()).metadata?.resourceVersion).toBe(before);
      const names = (await kube.listConfigMaps(namespace, 'slipway.dev/project=shop')).map(
        (c) => c.metadata?.name,
      );
      expect(names).not.toContain('app-config-v2');
    } finally {
      await kube.deleteNamespace(other).catch(() => undefined);
    }
  });
});

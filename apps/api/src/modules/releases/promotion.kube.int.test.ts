// Promotion and environment copy on the real control plane (KWOK pods): a release deployed to
// dev by a deploy job is promoted to test — same image digest and manifest set version, test's
// own newest config version as the ConfigMap mounted in test's namespace — and deployed there;
// an environment copy makes one release per project with a live release and skips the others.
import { randomBytes, randomUUID } from 'node:crypto';
import { FINISHED_RELEASE_STATUSES, type Release } from '@slipway/contracts';
import type { V1Deployment } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployJobDispatch } from '../../../test/deploy-job.ts';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';
import { createDeployExecutor } from './deploy-executor.ts';
import { createReleasesRepo } from './releases.repo.ts';

const SPEC =
  'stages:\n  - name: build\n    jobs:\n      - name: compile\n        image: alpine\n        steps:\n          - run: make\n';
const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    slipway.test/environment: \${{ environment.name }}
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          volumeMounts:
            - { name: config, mountPath: /etc/app }
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.app }}
`;
const IMAGE = 'registry.example.com/shop:1';
const DIGEST = `sha256:${'5e'.repeat(32)}`;

describe.skipIf(postgresSkipReason() || clusterSkipReason())('promotion on the real control plane', () => {
  let t: TestApp;
  let admin: SignedInClient;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `prm-${suffix}`;
  const W = `/api/v1/workspaces/${ws}`;
  const releasesUrl = `${W}/projects/shop/releases`;
  const namespaces = { dev: `${ws}-dev`, test: `${ws}-test` };

  const post = async (url: string, payload: object, status = 201) => {
    const response = await admin.request({ method: 'POST', url, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
    return response.json();
  };

  /** The release once it has ended (after any queue). */
  const finished = (project: string, number: number): Promise<Release> =>
    eventually(
      `release ${number} of ${project} to end`,
      async () => {
        const release = (
          await admin.request({ method: 'GET', url: `${W}/projects/${project}/releases/${number}` })
        ).json() as Release;
        return FINISHED_RELEASE_STATUSES.includes(release.status) ? release : undefined;
      },
      90_000,
    );

  const deploymentIn = async (namespace: string) =>
    (await kube.getDeployment(namespace, 'web')) as V1Deployment;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await post('/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() });
    await post('/api/v1/workspaces', { slug: ws, name: ws });
    for (const slug of ['shop', 'idle']) await post(`${W}/projects`, { slug, name: slug });
    await post(`${W}/environments`, { name: 'dev', cluster: `local-${suffix}`, order: 0 });
    await post(`${W}/environments`, { name: 'test', cluster: `local-${suffix}`, order: 1 });
    await post(`${W}/projects/shop/manifest-sets`, { name: 'web', files: { 'web.yaml': MANIFESTS } });
    await post(`${W}/projects/shop/config-sets`, { name: 'app' });
    const configs = `${W}/projects/shop/config-sets/app/environments`;
    const dev = await post(`${configs}/dev/versions`, { data: { LEVEL: 'dev' } });
    for (const level of ['test-1', 'test-2'])
      await post(`${configs}/test/versions`, { data: { LEVEL: level } });
    await post(`${W}/projects/shop/pipelines`, { name: 'ci', spec: SPEC });
    await post(`${W}/projects/shop/pipelines/ci/runs`, { releaseType: 'default', environment: 'dev' });

    const prisma = t.db.prisma;
    const run = await prisma.pipelineRun.findFirstOrThrow({
      where: { pipeline: { project: { slug: 'shop', workspace: { slug: ws } } } },
    });
    const devConfig = await prisma.configVersion.findFirstOrThrow({
      where: {
        version: dev.version,
        configSet: { name: 'app', project: { slug: 'shop', workspace: { slug: ws } } },
      },
    });
    await prisma.pipelineRun.update({
      where: { id: run.id },
      data: {
        deployPins: { manifestSets: { web: 1 }, configSets: { app: { id: devConfig.id, version: 1 } } },
      },
    });
    t.releases.start();
    // Release 1 of shop in dev, as a run's deploy job makes it: the build pushed IMAGE as DIGEST.
    const deploys = createDeployExecutor({
      releases: createReleasesRepo(prisma),
      controller: () => t.releases,
    });
    await deploys.executor.start(
      deployJobDispatch({
        workspace: ws,
        project: 'shop',
        runId: run.id,
        namespace: namespaces.dev,
        jobRunId: randomUUID(),
        planned: { manifests: 'web', image: IMAGE, config: ['app'] },
        values: { 'run.number': '1' },
        digests: { [IMAGE]: DIGEST },
      }),
    );
    expect(await finished('shop', 1)).toMatchObject({ status: 'succeeded', imageDigest: DIGEST });
    // Project idle only ever failed in dev: nothing live to copy.
    const idle = await prisma.project.findFirstOrThrow({ where: { slug: 'idle', workspace: { slug: ws } } });
    const devEnvironment = await prisma.environment.findFirstOrThrow({
      where: { name: 'dev', workspace: { slug: ws } },
    });
    await prisma.release.create({
      data: {
        projectId: idle.id,
        number: 1,
        environmentId: devEnvironment.id,
        environmentName: 'dev',
        namespace: namespaces.dev,
        status: 'failed',
        phase: 'done',
        objects: [],
        createdByName: 'admin',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    for (const namespace of Object.values(namespaces))
      await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  it('promotes release 1 from dev to test: same digest and manifest version, test’s newest config, deployed in test’s namespace', async () => {
    const response = await admin.request({
      method: 'POST',
      url: `${releasesUrl}/1/promote`,
      payload: { environment: 'test' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const release = await finished('shop', response.json().number);
    expect(release).toMatchObject({
      number: 2,
      environment: 'test',
      status: 'succeeded',
      trigger: 'promotion',
      promotedFrom: { environment: 'dev', number: 1 },
      image: IMAGE,
      imageDigest: DIGEST,
      manifestSet: { name: 'web', version: 1 },
      config: [{ name: 'app', version: 2, configMapName: 'app-v2' }],
    });
    const deployment = await deploymentIn(namespaces.test);
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(IMAGE);
    expect(deployment.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('app-v2');
    expect(deployment.metadata?.annotations?.['slipway.test/environment']).toBe('test');
    expect(deployment.metadata?.labels?.['slipway.dev/release']).toBe('2');
    const [configMap] = await kube.listConfigMaps(namespaces.test, 'slipway.dev/config-set=app');
    expect(configMap).toMatchObject({
      metadata: { name: 'app-v2' },
      data: { LEVEL: 'test-2' },
      immutable: true,
    });
    // dev is untouched: it still runs release 1 with its own config.
    const inDev = await deploymentIn(namespaces.dev);
    expect(inDev.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('app-v1');
    expect(inDev.metadata?.annotations?.['slipway.test/environment']).toBe('dev');
  });

  it('copies dev to test: a release for shop (live in dev) deployed, idle skipped', async () => {
    const copy = await post(`${W}/environments/dev/copy`, { to: 'test' }, 200);
    expect(copy.items).toEqual([
      expect.objectContaining({ project: 'idle', outcome: 'skipped', from: null, release: null }),
      expect.objectContaining({
        project: 'shop',
        outcome: 'created',
        from: 1,
        release: expect.objectContaining({ number: 3, environment: 'test', trigger: 'promotion' }),
      }),
    ]);
    expect(await finished('shop', 3)).toMatchObject({ status: 'succeeded', imageDigest: DIGEST });
    expect((await deploymentIn(namespaces.test)).metadata?.labels?.['slipway.dev/release']).toBe('3');
    const two = (await admin.request({ method: 'GET', url: `${releasesUrl}/2` })).json();
    expect(two.status).toBe('superseded');
  });
});

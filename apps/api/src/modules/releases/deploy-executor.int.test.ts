import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import type { PlannedDeploy } from '@slipway/pipeline';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepository, type TestRepository } from '../../../test/git-repository.ts';
import { buildTestApp, signIn, type TestApp, until } from '../../../test/helper.ts';
import { UNREACHABLE_KUBECONFIG } from '../../../test/unreachable-cluster.ts';
import { createGitRepositories } from '../../lib/git-repository.ts';
import type { JobDispatch } from '../runs/engine/executor.ts';
import { createDeployExecutor, type DeployExecutor } from './deploy-executor.ts';
import { createReleasesRepo, type ReleasesRepo } from './releases.repo.ts';

const KUBECONFIG = UNREACHABLE_KUBECONFIG;
const SPEC =
  'stages:\n  - name: build\n    jobs:\n      - name: compile\n        image: alpine\n        steps:\n          - run: make\n';
const FILES = {
  'app.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${{ params.replicas }}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${{ release.image }}\n',
};

describe.skipIf(postgresSkipReason())(
  'deploy executor: one release per job attempt, its status and log',
  () => {
    let t: TestApp;
    let repo: ReleasesRepo;
    let deploys: DeployExecutor;
    /** Environments the executor asked the controller to admit from. */
    const admitted: string[] = [];
    let runId = '';
    let stagingId = '';
    let setId = '';
    let repository: TestRepository | undefined;

    function dispatch(jobRunId: string, planned: Partial<PlannedDeploy> = {}): JobDispatch {
      return {
        externalName: 'slw-deploy',
        labels: {
          workspace: 'dx',
          project: 'shop',
          pipeline: 'ci',
          runId,
          runNumber: 1,
          job: 'deploy',
          stage: 'ship',
          attempt: 1,
        },
        namespace: 'dx-staging',
        repository: null,
        steps: [],
        env: {},
        secretEnv: {},
        gitAuth: undefined,
        registryConfigs: {},
        timeoutSeconds: undefined,
        resources: {},
        deploy: {
          jobRunId,
          planned: {
            manifests: 'web',
            path: undefined,
            image: 'registry.example.com/shop:${{ run.number }}',
            config: [],
            timeoutSeconds: 120,
            ...planned,
          } as PlannedDeploy,
          values: { 'run.number': '7', 'params.replicas': '3' },
          digests: { 'registry.example.com/shop:7': 'sha256:0123abcd' },
        },
      };
    }

    beforeAll(async () => {
      t = await buildTestApp();
      const admin = await signIn(t.app);
      for (const [url, payload] of [
        ['/api/v1/clusters', { name: 'dx', kubeconfig: KUBECONFIG }],
        ['/api/v1/workspaces', { slug: 'dx', name: 'dx' }],
        ['/api/v1/workspaces/dx/projects', { slug: 'shop', name: 'shop' }],
        ['/api/v1/workspaces/dx/environments', { name: 'local' }],
        ['/api/v1/workspaces/dx/projects/shop/pipelines', { name: 'ci', spec: SPEC }],
      ] as const) {
        const response = await admin.request({ method: 'POST', url, payload });
        expect(response.statusCode, response.body).toBe(201);
      }
      const prisma = t.db.prisma;
      const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: 'dx' } });
      const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'dx' } });
      // On a cluster nobody reaches: the controller is not running, the release stays deploying.
      await prisma.environment.create({
        data: { workspaceId: workspace.id, name: 'staging', clusterId: cluster.id, namespace: 'dx-staging' },
      });
      const run = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/dx/projects/shop/pipelines/ci/runs',
        payload: { releaseType: 'default', environment: 'local' },
      });
      expect(run.statusCode, run.body).toBe(201);
      const project = await prisma.project.findFirstOrThrow({ where: { slug: 'shop' } });
      const set = await prisma.manifestSet.create({
        data: { projectId: project.id, name: 'web', latestVersion: 1 },
      });
      setId = set.id;
      await prisma.manifestVersion.create({ data: { manifestSetId: set.id, version: 1, files: FILES } });
      const staging = await prisma.environment.findFirstOrThrow({ where: { name: 'staging' } });
      stagingId = staging.id;
      const row = await prisma.pipelineRun.findFirstOrThrow({
        where: { pipeline: { projectId: project.id } },
      });
      runId = row.id;
      await prisma.pipelineRun.update({
        where: { id: runId },
        data: {
          environmentId: staging.id,
          environmentName: 'staging',
          deployPins: { manifestSets: { web: 1 }, configSets: {} },
        },
      });
      repo = createReleasesRepo(prisma);
      const repositories = createGitRepositories({ allowLocal: true });
      deploys = createDeployExecutor({
        releases: repo,
        controller: () => ({ ...t.releases, admit: (id: string) => admitted.push(id) }),
        readRepository: (url, at, path) => repositories.readYamlFiles(url, at, path),
        commitAuthor: (url, commit) => repositories.commitAuthorEmail(url, commit),
      });
    });

    afterAll(async () => {
      await t?.close();
    });

    /** Starts the environment's next queued release as the controller would (it is not running here). */
    async function admitNext(jobRunId: string) {
      const started = await repo.admitNext(stagingId);
      expect(started?.jobRunId).toBe(jobRunId);
    }

    it('creates the release of the attempt rendered, labelled and queued, and a repeated start adopts it', async () => {
      const jobRunId = randomUUID();
      await deploys.executor.start(dispatch(jobRunId));
      await deploys.executor.start(dispatch(jobRunId));
      const rows = await t.db.prisma.release.findMany({ where: { jobRunId } });
      expect(rows).toHaveLength(1);
      const [release] = rows;
      expect(release).toMatchObject({
        number: 1,
        status: 'queued',
        phase: 'pending',
        trigger: 'run',
        holdReason: null,
        image: 'registry.example.com/shop:7',
        manifestSetName: 'web',
        manifestVersion: 1,
        namespace: 'dx-staging',
        environmentName: 'staging',
        pipelineName: 'ci',
        runNumber: 1,
      });
      expect(release?.objects).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'web',
            namespace: 'dx-staging',
            labels: {
              'app.kubernetes.io/managed-by': 'slipway',
              'slipway.dev/project': 'shop',
              'slipway.dev/release': '1',
            },
          },
          spec: {
            replicas: 3,
            template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/shop:7' }] } },
          },
        },
      ]);
      expect(release?.queueSeq).not.toBeNull();
      expect(admitted).toContain(stagingId);
      expect((await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'shop' } })).releaseCounter).toBe(
        1,
      );
      // Cancelled while it waits: it ends without deploying and leaves the queue.
      await deploys.executor.stop({ externalName: 'slw-deploy', namespace: 'dx-staging', jobRunId });
      expect(await repo.findByJobRun(jobRunId)).toMatchObject({ status: 'failed', message: 'cancelled' });
    });

    it('maps the release to the job: running while queued and deploying, then its step log and its end', async () => {
      const jobRunId = randomUUID();
      const ref = { externalName: 'slw-deploy', namespace: 'dx-staging', jobRunId };
      expect((await deploys.executor.observe(ref, 1)).state).toBe('missing');
      await deploys.executor.start(dispatch(jobRunId));
      expect(await deploys.executor.observe(ref, 1)).toMatchObject({
        state: 'running',
        message: 'release 2: queued',
        steps: [{ status: 'running' }],
      });
      await admitNext(jobRunId);
      expect(await deploys.executor.observe(ref, 1)).toMatchObject({
        state: 'running',
        steps: [{ status: 'running' }],
      });
      const release = await repo.findByJobRun(jobRunId);
      if (!release) throw new Error('no release');
      await repo.step(release.id, { phase: 'applied' }, ['Deployment/dx-staging/web created']);
      await repo.step(release.id, { status: 'succeeded', phase: 'done', finishedAt: new Date() }, [
        'release succeeded',
      ]);
      expect(await deploys.executor.observe(ref, 1)).toMatchObject({
        state: 'succeeded',
        steps: [{ status: 'succeeded', exitCode: 0, result: '2' }],
      });
      const whole = await deploys.executor.openLog(ref, 0, 0, () => true);
      const log = await text(whole as NodeJS.ReadableStream);
      expect(log).toBe(
        'release 2: deploying 1 object to dx-staging\nDeployment/dx-staging/web created\nrelease succeeded\n',
      );
      const rest = await deploys.executor.openLog(ref, 0, log.indexOf('web created') + 4, () => true);
      expect(await text(rest as NodeJS.ReadableStream)).toBe('created\nrelease succeeded\n');
    });

    // Found by the deploy benchmark: the server's stop waited for a deploy still rolling out,
    // because its log stream could not be destroyed while it waited for the next line.
    it('ends the log stream of a release still deploying at once when it is destroyed', async () => {
      const jobRunId = randomUUID();
      const ref = { externalName: 'slw-deploy', namespace: 'dx-staging', jobRunId };
      await deploys.executor.start(dispatch(jobRunId));
      const stream = await deploys.executor.openLog(ref, 0, 0, () => false);
      if (!stream) throw new Error('no log stream');
      const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
      expect(first.toString()).toMatch(/^release \d+: deploying/);
      const closed = new Promise<void>((resolve) => stream.once('close', resolve));
      stream.destroy();
      // Bounded by the test's timeout; before the fix it closed only once the release ended.
      await closed;
      expect(stream.destroyed).toBe(true);
      await deploys.executor.stop(ref);
    });

    it('stops a deploying release as cancelled; the job fails with the release', async () => {
      const jobRunId = randomUUID();
      const ref = { externalName: 'slw-deploy', namespace: 'dx-staging', jobRunId };
      await deploys.executor.start(dispatch(jobRunId));
      await admitNext(jobRunId);
      await deploys.executor.stop(ref);
      const observed = await deploys.executor.observe(ref, 1);
      expect(observed).toMatchObject({
        state: 'failed',
        message: expect.stringMatching(/^release \d+ failed: cancelled$/),
      });
    });

    it('fails a release on a cluster that does not answer once its timeout has passed, the reason in its log', async () => {
      const jobRunId = randomUUID();
      await deploys.executor.start(dispatch(jobRunId, { timeoutSeconds: 1 }));
      const release = await repo.findByJobRun(jobRunId);
      if (!release) throw new Error('no release');
      t.releases.start();
      const ended = await until('the release to end', async () => {
        const row = await repo.findById(release.id);
        return row?.phase === 'done' ? row : undefined;
      });
      await t.releases.stop();
      expect(ended).toMatchObject({ status: 'failed', phase: 'done' });
      expect(ended?.message).toMatch(
        /^the cluster could not be reached within 1s: .*127\.0\.0\.1:1.*\(50[24]\)$/,
      );
      const lines = (await repo.logAfter(release.id, 0)).map((line) => line.text);
      expect(lines.some((line) => line.startsWith('cluster unreachable ('))).toBe(true);
      expect(lines.at(-1)).toMatch(/^release failed: the cluster could not be reached/);
    });

    it('reads manifests from the repository at the run’s commit (deploy.path)', async () => {
      repository = await createTestRepository();
      await mkdir(path.join(repository.dir, 'deploy'));
      const service = (port: number) =>
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: ${port}\n`;
      const first = await repository.commit('deploy/service.yaml', service(80), 'first');
      await repository.commit('deploy/service.yaml', service(8080), 'second');
      await repository.commit('README.md', 'not a manifest', 'docs');
      const project = await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'shop' } });
      await t.db.prisma.project.update({ where: { id: project.id }, data: { repoUrl: repository.dir } });
      await t.db.prisma.pipelineRun.update({ where: { id: runId }, data: { commitSha: first } });
      const jobRunId = randomUUID();
      await deploys.executor.start(dispatch(jobRunId, { manifests: undefined, path: 'deploy/' }));
      const release = await repo.findByJobRun(jobRunId);
      expect(release?.message).toBeNull();
      expect(release).toMatchObject({ status: 'queued', manifestPath: 'deploy/', manifestSetName: null });
      expect(release?.objects).toMatchObject([{ kind: 'Service', spec: { ports: [{ port: 80 }] } }]);
      const missing = randomUUID();
      await deploys.executor.start(dispatch(missing, { manifests: undefined, path: 'nowhere' }));
      expect((await repo.findByJobRun(missing))?.message).toContain(
        'deploy.path "nowhere": no .yaml or .yml file',
      );
      await t.db.prisma.pipelineRun.update({ where: { id: runId }, data: { commitSha: null } });
    });

    it('keeps the commit author out of approving when the policy forbids self-approval', async () => {
      const source = await createTestRepository();
      const commit = await source.commit('README.md', 'hello', 'change');
      const prisma = t.db.prisma;
      const project = await prisma.project.findFirstOrThrow({ where: { slug: 'shop' } });
      await prisma.project.update({ where: { id: project.id }, data: { repoUrl: source.dir } });
      await prisma.pipelineRun.update({ where: { id: runId }, data: { commitSha: commit } });
      try {
        await prisma.environment.update({
          where: { id: stagingId },
          data: { requiredApprovals: 1, allowSelfApproval: false },
        });
        const strict = randomUUID();
        await deploys.executor.start(dispatch(strict));
        const held = await repo.findByJobRun(strict);
        expect(held?.status).toBe('awaiting-approval');
        // The test repository commits as t <t@t>.
        expect(held?.approval?.committerEmail).toBe('t@t');

        await prisma.environment.update({ where: { id: stagingId }, data: { allowSelfApproval: true } });
        const lenient = randomUUID();
        await deploys.executor.start(dispatch(lenient));
        expect((await repo.findByJobRun(lenient))?.approval?.committerEmail).toBeNull();
        for (const id of [strict, lenient]) {
          const release = await repo.findByJobRun(id);
          if (release) await repo.endWaiting(release.id, { status: 'failed', message: 'test' }, []);
        }
      } finally {
        await prisma.environment.update({
          where: { id: stagingId },
          data: { requiredApprovals: 0, allowSelfApproval: true },
        });
        await prisma.pipelineRun.update({ where: { id: runId }, data: { commitSha: null } });
        await source.remove();
      }
    });

    it('shows a job run by the deploy executor in the run API (executor deploy)', async () => {
      await t.db.prisma.jobRun.updateMany({
        where: { runId },
        data: { executor: 'deploy', status: 'running' },
      });
      const admin = await signIn(t.app);
      const run = await admin.request({
        method: 'GET',
        url: '/api/v1/workspaces/dx/projects/shop/pipelines/ci/runs/1',
      });
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json().jobs[0].executor).toBe('deploy');
    });

    it('records a failed release naming file and line:column when the manifests do not render', async () => {
      await t.db.prisma.manifestVersion.create({
        data: {
          manifestSetId: setId,
          version: 2,
          files: { 'bad.yaml': 'kind: Service\nmetadata:\n  name: ${{ params.nope }}\n' },
        },
      });
      await t.db.prisma.pipelineRun.update({
        where: { id: runId },
        data: { deployPins: { manifestSets: { web: 2 }, configSets: {} } },
      });
      const jobRunId = randomUUID();
      await deploys.executor.start(dispatch(jobRunId));
      const release = await repo.findByJobRun(jobRunId);
      expect(release).toMatchObject({ status: 'failed', phase: 'done', objects: [] });
      expect(release?.message).toMatch(/^not deployed, nothing applied: .*bad\.yaml:\d+:\d+/);
      const observed = await deploys.executor.observe(
        { externalName: 'x', namespace: 'dx-staging', jobRunId },
        1,
      );
      expect(observed.state).toBe('failed');
    });
  },
);

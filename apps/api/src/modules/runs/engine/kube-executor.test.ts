import { spawnSync } from 'node:child_process';
import type { V1Job, V1Pod } from '@slipway/kube';

/** A container state as a pod's status reports it. */
type V1ContainerState = NonNullable<
  NonNullable<NonNullable<V1Pod['status']>['initContainerStatuses']>[number]['state']
>;

import { type PlanContext, parsePipeline, planRun, variableEnv } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import type { JobDispatch } from './executor.ts';
import { externalNameOf } from './executor.ts';
import { observationOf, resultOf, stepContainerName, waitsForSecret } from './kube-executor.ts';
import {
  BUILD_IMAGE,
  containerName,
  jobManifest,
  jobSecretData,
  REPORTS_GRACE_SECONDS,
  REPORTS_SIDECAR,
} from './kube-job-manifest.ts';

/**
 * What the kubelet does to a container's command, args and env values before starting it
 * (Kubernetes' third_party/forked/golang/expansion): `$(NAME)` of a variable defined
 * earlier becomes its value, `$$` becomes `$`, anything else stays.
 */
function kubeletExpand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close === -1) {
        out += '$(';
        i += 1;
      } else {
        const name = input.slice(i + 2, close);
        out += vars.get(name) ?? `$(${name})`;
        i = close;
      }
    } else {
      out += `$${next}`;
      i += 1;
    }
  }
  return out;
}

const dispatch: JobDispatch = {
  externalName: externalNameOf('0f8fad5b-d9cb-469f-a165-70867728950e', 'build', 'image', 2),
  labels: {
    workspace: 'shop',
    project: 'api',
    pipeline: 'ci',
    runId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    runNumber: 7,
    job: 'image',
    stage: 'build',
    attempt: 2,
  },
  namespace: 'shop-dev',
  repository: { url: 'https://git.example.com/shop/api.git', ref: 'main' },
  steps: [
    {
      name: 'build-and-push',
      kind: 'build-image',
      image: undefined,
      script: '',
      env: {},
      buildImage: {
        context: '.',
        dockerfile: 'docker/Dockerfile',
        destination: 'registry.example.com/shop/api:7',
        credential: 'harbor',
      },
    },
  ],
  env: { SLIPWAY_RUN_NUMBER: '7' },
  secretEnv: { SLIPWAY_SECRET_TOKEN: 'token-value' },
  gitAuth: { username: 'ci', password: 'pa55word-value' },
  registryConfigs: { harbor: '{"auths":{}}' },
  timeoutSeconds: 1200,
  resources: { memory: '4Gi' },
};

describe('the Kubernetes Job of a pipeline job', () => {
  it('has a deterministic DNS-label name per run, job and attempt', () => {
    expect(dispatch.externalName).toBe('slw-0f8fad5bd9-build-image-a2');
    const long = externalNameOf('0f8fad5b-d9cb-469f-a165-70867728950e', 'a'.repeat(60), 'b'.repeat(60), 10);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(containerName(3, 'Build_Image')).toBe('s3-build-image');
  });

  it('checks out first, builds the image daemonless with the registry credential, and keeps secrets in a Secret', () => {
    const job = jobManifest(dispatch, 'slw-secrets');
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBe(1200);
    expect(job.metadata?.labels).toMatchObject({ 'slipway.dev/run-number': '7', 'slipway.dev/attempt': '2' });
    const pod = job.spec?.template.spec;
    const [checkout, build] = pod?.initContainers ?? [];
    expect(checkout?.name).toBe('s0-checkout');
    expect(checkout?.env).toEqual(
      expect.arrayContaining([{ name: 'SLIPWAY_REPOSITORY', value: 'https://git.example.com/shop/api.git' }]),
    );
    expect(build?.image).toBe(BUILD_IMAGE);
    expect(build?.args).toEqual(
      expect.arrayContaining([
        '--local=context=/workspace/.',
        '--local=dockerfile=/workspace/./docker',
        '--opt=filename=Dockerfile',
        '--output=type=image,name=registry.example.com/shop/api:7,push=true',
        '--metadata-file=/dev/termination-log',
      ]),
    );
    expect(build?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(build?.volumeMounts).toContainEqual({
      name: 'registry-harbor',
      mountPath: '/home/user/.docker',
      readOnly: true,
    });
    expect(pod?.volumes).toContainEqual({
      name: 'registry-harbor',
      secret: { secretName: 'slw-secrets', items: [{ key: 'slipway-registry-harbor', path: 'config.json' }] },
    });
    expect(build?.env).toContainEqual({
      name: 'SLIPWAY_SECRET_TOKEN',
      valueFrom: { secretKeyRef: { name: 'slw-secrets', key: 'SLIPWAY_SECRET_TOKEN' } },
    });
    // Only the checkout gets the git credential.
    expect(checkout?.env).toContainEqual({
      name: 'SLIPWAY_GIT_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'slw-secrets', key: 'slipway-git-password' } },
    });
    expect(JSON.stringify(build)).not.toContain('GIT_PASSWORD');
    // No secret value is in the Job; they are all in its Secret.
    for (const value of ['token-value', 'pa55word-value', '"auths"'])
      expect(JSON.stringify(job)).not.toContain(value);
    expect(jobSecretData(dispatch)).toEqual({
      SLIPWAY_SECRET_TOKEN: 'token-value',
      'slipway-git-username': 'ci',
      'slipway-git-password': 'pa55word-value',
      'slipway-registry-harbor': '{"auths":{}}',
    });
    expect(pod?.containers.map((c) => c.command)).toEqual([['/bin/true']]);
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(build?.resources).toEqual({ requests: { cpu: '100m', memory: '4Gi' }, limits: { memory: '4Gi' } });
  });

  it('records the digest a build step pushed, or what a step reported', () => {
    const metadata = JSON.stringify({ 'containerimage.digest': 'sha256:abc', 'image.name': 'r/x:1' });
    expect(resultOf(metadata)).toBe('sha256:abc');
    expect(resultOf(' 0123abcd\n')).toBe('0123abcd');
    expect(resultOf(undefined)).toBeUndefined();
  });
});

describe('values in the Job', () => {
  const TITLE = 'release $(echo INJECTED) `id -un` $(SLIPWAY_RUN_ID) $$ \'"\\ \n-n ünï  ';
  const spec = parsePipeline(`parameters:
  - name: title
  - name: token
    type: secret
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3.22
        env:
          SLIPWAY_PARAM_TITLE: overridden
          BOTH: "\${{ params.title }}/\${{ params.token }}"
        steps:
          - name: show
            run: |
              echo "title: \${{ params.title }}"
              echo 'branch: \${{ git.branch }}'
              echo token \${{ params.token }} "$BOTH"
              SLIPWAY_RUN_ID() { echo shell; }
              echo "$(SLIPWAY_RUN_ID) code stays shell code"
`).spec;
  if (!spec) throw new Error('fixture must parse');
  const context: PlanContext = {
    releaseType: 'default',
    environment: 'dev',
    branch: 'feat/$(SLIPWAY_RUN_ID)`x`',
    parameters: { title: TITLE },
    runNumber: 3,
    runId: 'run-1',
    sha: 'abc',
    namespace: 'ns',
    project: 'p',
    workspace: 'w',
    secretParameters: ['token'],
  };
  const job = jobManifest(
    {
      ...dispatch,
      repository: null,
      steps: planRun(spec, context)[0]?.steps ?? [],
      env: { CI: 'true', ...variableEnv(spec, context) },
      secretEnv: { SLIPWAY_SECRET_TOKEN: 's3cret $(x)' },
    },
    'slw-secrets',
  );
  const [step] = job.spec?.template.spec?.initContainers ?? [];

  it('carries parameter and git values as env, secrets from the Secret, and no value in the script', () => {
    const script = step?.command?.[2] ?? '';
    expect(script).not.toContain('INJECTED');
    expect(script).not.toContain('feat/');
    expect(script).toContain('echo "title: $${SLIPWAY_PARAM_TITLE}"');
    expect(step?.env).toContainEqual({ name: 'SLIPWAY_PARAM_TITLE', value: TITLE.replace(/\$/g, '$$$$') });
    expect(step?.env).toContainEqual({
      name: 'SLIPWAY_SECRET_TOKEN',
      valueFrom: { secretKeyRef: { name: 'slw-secrets', key: 'SLIPWAY_SECRET_TOKEN' } },
    });
    expect(JSON.stringify(job)).not.toContain('s3cret');
  });

  it('prints every value exactly once the kubelet has expanded the container and sh runs it', () => {
    const vars = new Map<string, string>();
    for (const entry of step?.env ?? []) {
      vars.set(entry.name, entry.valueFrom ? 's3cret $(x)' : kubeletExpand(entry.value ?? '', vars));
    }
    const [shell, flags, script] = (step?.command ?? []).map((part) => kubeletExpand(part, vars));
    const result = spawnSync(shell ?? '', [flags ?? '', script ?? ''], {
      env: { PATH: process.env.PATH, ...Object.fromEntries(vars) },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `title: ${TITLE}\nbranch: ${context.branch}\ntoken s3cret $(x) ${TITLE}/s3cret $(x)\nshell code stays shell code\n`,
    );
  });
});

describe('a Job whose Secret never came', () => {
  const waiting = (reason: string, message: string) => ({
    status: {
      initContainerStatuses: [
        {
          name: 's0-make',
          image: 'alpine',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason, message } },
        },
      ],
    },
  });

  it('is told by the kubelet reporting its Secret not found, and by nothing else', () => {
    const name = 'slw-0f8fad5bd9-build-image-a2-secrets';
    expect(waitsForSecret(waiting('CreateContainerConfigError', `secret "${name}" not found`), name)).toBe(
      true,
    );
    expect(waitsForSecret(waiting('CreateContainerConfigError', 'secret "other" not found'), name)).toBe(
      false,
    );
    expect(waitsForSecret(waiting('ContainerCreating', ''), name)).toBe(false);
    expect(waitsForSecret(undefined, name)).toBe(false);
  });
});

/** The plan context of the transfer-step tests: run 7 of shop/api on main, to dev. */
const PLAN_CONTEXT: PlanContext = {
  releaseType: 'default',
  environment: 'dev',
  branch: 'main',
  parameters: {},
  runNumber: 7,
  runId: 'r',
  sha: '',
  namespace: 'shop-dev',
  project: 'api',
  workspace: 'shop',
  secretParameters: [],
};

describe('restore and upload steps in the Job', () => {
  const plan = (() => {
    const { spec, errors } = parsePipeline(`stages:
  - name: build
    jobs:
      - name: compile
        image: node:24
        artifacts: { paths: [dist/**] }
        steps:
          - run: make
  - name: test
    jobs:
      - name: unit
        image: node:24
        cache: { key: npm, paths: [node_modules] }
        reports: { junit: reports/*.xml }
        steps:
          - run: npm test
`);
    if (!spec) throw new Error(JSON.stringify(errors));
    return planRun(spec, PLAN_CONTEXT);
  })();
  const unit = plan[1];
  if (!unit) throw new Error('no job');
  const job: JobDispatch = {
    ...dispatch,
    steps: unit.steps,
    registryConfigs: {},
    transfer: { token: 'job-run-id.signature', apiUrl: 'http://slipway.slipway.svc:8080' },
  };

  it('runs them as init containers of the transfer image, the token from the Secret, no user secret', () => {
    const spec = jobManifest(job, 'job-secrets').spec?.template.spec;
    const init = spec?.initContainers ?? [];
    expect(init.map((c) => [c.name, c.image])).toEqual([
      [REPORTS_SIDECAR, 'curlimages/curl:8.17.0'],
      ['s0-checkout', 'alpine/git:2.49.1'],
      ['s1-restore', 'curlimages/curl:8.17.0'],
      ['s2-step-1', 'node:24'],
      ['s3-upload', 'curlimages/curl:8.17.0'],
    ]);
    const env = (name: string) => init.find((c) => c.name === name)?.env ?? [];
    for (const name of ['s1-restore', 's3-upload']) {
      expect(env(name)).toContainEqual({ name: 'SLIPWAY_API_URL', value: 'http://slipway.slipway.svc:8080' });
      expect(env(name)).toContainEqual({
        name: 'SLIPWAY_JOB_TOKEN',
        valueFrom: { secretKeyRef: { name: 'job-secrets', key: 'slipway-job-token' } },
      });
      expect(env(name).map((e) => e.name)).not.toContain('SLIPWAY_SECRET_TOKEN');
    }
    expect(env('s2-step-1').map((e) => e.name)).not.toContain('SLIPWAY_JOB_TOKEN');
    expect(env('s2-step-1').map((e) => e.name)).toContain('SLIPWAY_SECRET_TOKEN');
    expect(jobSecretData(job)['slipway-job-token']).toBe('job-run-id.signature');
    const upload = init.find((c) => c.name === 's3-upload');
    expect(upload?.command?.[2]).toContain('$$SLIPWAY_API_URL/api/v1/job-files/');
    expect(JSON.stringify(spec)).not.toContain('job-run-id.signature');
  });

  it('gives jobs without transfer steps no token', () => {
    const plain = { ...dispatch, registryConfigs: {}, transfer: undefined };
    expect(jobSecretData(plain)['slipway-job-token']).toBeUndefined();
  });
});

describe('the reports sidecar (test reports of a failed job)', () => {
  const { spec, errors } = parsePipeline(`stages:
  - name: test
    jobs:
      - name: unit
        image: node:24
        reports: { junit: reports/*.xml }
        steps:
          - name: test
            run: npm test
      - name: lint
        image: node:24
        steps:
          - run: npm run lint
`);
  if (!spec) throw new Error(JSON.stringify(errors));
  const [unit, lint] = planRun(spec, PLAN_CONTEXT);
  const transfer = { token: 'job-run-id.signature', apiUrl: 'http://slipway.slipway.svc:8080' };
  const job = jobManifest(
    { ...dispatch, steps: unit?.steps ?? [], registryConfigs: {}, transfer },
    'job-secrets',
  );
  const podSpec = job.spec?.template.spec;

  it('runs first, as a native sidecar of the transfer image with the upload step’s environment', () => {
    const init = podSpec?.initContainers ?? [];
    expect(init.map((c) => [c.name, c.restartPolicy ?? 'step'])).toEqual([
      [REPORTS_SIDECAR, 'Always'],
      ['s0-checkout', 'step'],
      ['s1-test', 'step'],
      ['s2-upload', 'step'],
    ]);
    const [sidecar] = init;
    expect(sidecar?.image).toBe('curlimages/curl:8.17.0');
    expect(sidecar?.env).toContainEqual({
      name: 'SLIPWAY_JOB_TOKEN',
      valueFrom: { secretKeyRef: { name: 'job-secrets', key: 'slipway-job-token' } },
    });
    expect(sidecar?.env).toContainEqual({ name: 'SLIPWAY_API_URL', value: transfer.apiUrl });
    // The upload step's script, run with SLIPWAY_JOB_FAILED=1 on SIGTERM.
    expect(sidecar?.command?.[2]).toContain('trap slipway_on_term TERM');
    expect(sidecar?.command?.[2]).toContain('SLIPWAY_JOB_FAILED=1');
    expect(sidecar?.command?.[2]).toContain('slipway_upload "test reports" reports');
    expect(podSpec?.terminationGracePeriodSeconds).toBe(REPORTS_GRACE_SECONDS);
    expect(JSON.stringify(podSpec)).not.toContain(transfer.token);
  });

  it('is left out of jobs without reports', () => {
    const plain = jobManifest({ ...dispatch, steps: lint?.steps ?? [], registryConfigs: {} }, undefined);
    expect(plain.spec?.template.spec?.initContainers?.map((c) => c.name)).not.toContain(REPORTS_SIDECAR);
    expect(plain.spec?.template.spec?.terminationGracePeriodSeconds).toBeUndefined();
  });

  const status = (name: string, state: V1ContainerState) => ({
    name,
    image: '',
    imageID: '',
    ready: false,
    restartCount: 0,
    state,
  });
  const ended = (exitCode: number) => ({ terminated: { exitCode } });
  const running = { running: {} };
  const pod = (statuses: Array<[string, V1ContainerState]>): V1Pod => ({
    spec: podSpec ?? { containers: [] },
    status: { initContainerStatuses: statuses.map(([name, state]) => status(name, state)) },
  });
  const failedJob = (minutesAgo: number): V1Job => ({
    ...job,
    status: {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          lastTransitionTime: new Date(Date.now() - minutesAgo * 60_000),
        },
      ],
    },
  });

  it('stands in for the upload step after a failed step: the job runs on while it uploads', () => {
    const uploading = pod([
      [REPORTS_SIDECAR, running],
      ['s0-checkout', ended(0)],
      ['s1-test', ended(1)],
      ['s2-upload', { waiting: { reason: 'PodInitializing' } }],
    ]);
    expect(stepContainerName(uploading, job, 2)).toBe(REPORTS_SIDECAR);
    expect(stepContainerName(uploading, job, 1)).toBe('s1-test');
    const observed = observationOf(failedJob(0), uploading, 3);
    expect(observed.state).toBe('running');
    expect(observed.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'running']);

    const done = pod([
      [REPORTS_SIDECAR, ended(0)],
      ['s0-checkout', ended(0)],
      ['s1-test', ended(1)],
    ]);
    const final = observationOf(failedJob(0), done, 3);
    expect(final).toMatchObject({ state: 'failed', message: 'step 1 exited with code 1' });
    expect(final.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  it('ends the job once the grace period is long over, whatever the sidecar reports', () => {
    const stuck = pod([
      [REPORTS_SIDECAR, running],
      ['s0-checkout', ended(0)],
      ['s1-test', ended(1)],
    ]);
    const observed = observationOf(failedJob(REPORTS_GRACE_SECONDS / 60 + 1), stuck, 3);
    expect(observed.state).toBe('failed');
    expect(observed.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'failed']);
  });

  it('keeps the upload step its own while no step failed, and once it started', () => {
    const midway = pod([
      [REPORTS_SIDECAR, running],
      ['s0-checkout', ended(0)],
      ['s1-test', running],
    ]);
    expect(stepContainerName(midway, job, 2)).toBe('s2-upload');
    expect(observationOf({ ...job, status: {} }, midway, 3).steps.map((s) => s.status)).toEqual([
      'succeeded',
      'running',
      'pending',
    ]);
    const uploadRan = pod([
      [REPORTS_SIDECAR, running],
      ['s0-checkout', ended(0)],
      ['s1-test', ended(0)],
      ['s2-upload', ended(1)],
    ]);
    expect(stepContainerName(uploadRan, job, 2)).toBe('s2-upload');
    // Without a pod (not scheduled yet), the Job's template names the containers.
    expect(stepContainerName(undefined, job, 0)).toBe('s0-checkout');
  });
});

import {
  type KubeClient,
  KubeError,
  type V1Container,
  type V1Job,
  type V1Pod,
  type V1SecurityContext,
} from '@slipway/kube';
import { DEFAULT_STEP_IMAGE, type PlannedStep } from '@slipway/pipeline';
import {
  type Executor,
  GIT_AUTH_SCRIPT,
  type JobDispatch,
  type JobObservation,
  type JobRef,
  type ObservedStep,
  PIN_COMMIT_SCRIPT,
} from './executor.ts';
import { followLog } from './log-follow.ts';

export const LABEL_PREFIX = 'slipway.dev';
export const JOB_LABEL = `${LABEL_PREFIX}/job-attempt`;
const WORKSPACE = '/workspace';
/** Image of the checkout step (git). */
export const GIT_IMAGE = 'alpine/git:2.49.1';
/** Daemonless image builds: rootless BuildKit, run without a daemon. */
export const BUILD_IMAGE = 'moby/buildkit:v0.26.2-rootless';
/** How long a followed log may stay silent after its step ended before it counts as complete. */
const QUIET_AFTER_END_MS = 1500;
const TTL_AFTER_ARCHIVE_SECONDS = 600;

const labelValue = (value: string | number) =>
  String(value)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');

/** Container names: DNS labels, unique within the pod, in step order. */
export function containerName(index: number, step: string): string {
  return `s${index}-${step.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63).replace(/-+$/g, '');
}

const RESTRICTED: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function envList(env: Record<string, string>) {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** Environment variables read from the job's Secret, key by key (the value is in no spec). */
function secretEnvRefs(keys: readonly string[], secretName: string | undefined) {
  if (!secretName) return [];
  return keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } }));
}

/** Keys of the job's Secret besides its environment variables. */
export const GIT_USERNAME_KEY = 'slipway-git-username';
export const GIT_PASSWORD_KEY = 'slipway-git-password';
export const registryKey = (credential: string) => `slipway-registry-${credential}`;

/** Everything secret a job needs, as the data of its Secret. */
export function jobSecretData(job: JobDispatch): Record<string, string> {
  return {
    ...job.secretEnv,
    ...(job.gitAuth
      ? { [GIT_USERNAME_KEY]: job.gitAuth.username, [GIT_PASSWORD_KEY]: job.gitAuth.password }
      : {}),
    ...Object.fromEntries(
      Object.entries(job.registryConfigs).map(([name, config]) => [registryKey(name), config]),
    ),
  };
}

function stepContainer(
  job: JobDispatch,
  step: PlannedStep,
  index: number,
  secretName: string | undefined,
): V1Container {
  const common = {
    name: containerName(index, step.name),
    workingDir: WORKSPACE,
    volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }],
    env: [...envList({ ...job.env, ...step.env }), ...secretEnvRefs(Object.keys(job.secretEnv), secretName)],
    terminationMessagePolicy: 'FallbackToLogsOnError',
    resources: {
      requests: { cpu: job.resources.cpu ?? '100m', memory: job.resources.memory ?? '128Mi' },
      limits: { memory: job.resources.memory ?? '2Gi' },
    },
  };
  if (step.kind === 'build-image' && step.buildImage) {
    const build = step.buildImage;
    const dockerfileDir = build.dockerfile.includes('/')
      ? build.dockerfile.slice(0, build.dockerfile.lastIndexOf('/'))
      : '.';
    const dockerfileName = build.dockerfile.slice(build.dockerfile.lastIndexOf('/') + 1);
    return {
      ...common,
      image: BUILD_IMAGE,
      command: ['buildctl-daemonless.sh'],
      args: [
        'build',
        '--frontend=dockerfile.v0',
        `--local=context=${WORKSPACE}/${build.context}`,
        `--local=dockerfile=${WORKSPACE}/${build.context}/${dockerfileDir}`,
        `--opt=filename=${dockerfileName}`,
        `--output=type=image,name=${build.destination},push=true`,
        // The digest pushed ends up in the pod status (the termination message).
        '--metadata-file=/dev/termination-log',
      ],
      env: [...common.env, { name: 'BUILDKITD_FLAGS', value: '--oci-worker-no-process-sandbox' }],
      // Rootless BuildKit needs unconfined seccomp and AppArmor to create its user
      // namespace; it still runs as a non-root user without privilege escalation.
      securityContext: {
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'Unconfined' },
        appArmorProfile: { type: 'Unconfined' },
      },
      volumeMounts: [
        ...common.volumeMounts,
        ...(build.credential
          ? [{ name: `registry-${build.credential}`, mountPath: '/home/user/.docker', readOnly: true }]
          : []),
      ],
    };
  }
  return {
    ...common,
    image: step.image ?? DEFAULT_STEP_IMAGE,
    command: ['/bin/sh', '-ec', step.script],
    securityContext: RESTRICTED,
  };
}

export function jobManifest(job: JobDispatch, secretName: string | undefined): V1Job {
  const labels = {
    'app.kubernetes.io/managed-by': 'slipway',
    [`${LABEL_PREFIX}/workspace`]: labelValue(job.labels.workspace),
    [`${LABEL_PREFIX}/project`]: labelValue(job.labels.project),
    [`${LABEL_PREFIX}/pipeline`]: labelValue(job.labels.pipeline),
    [`${LABEL_PREFIX}/run`]: labelValue(job.labels.runId),
    [`${LABEL_PREFIX}/run-number`]: labelValue(job.labels.runNumber),
    [`${LABEL_PREFIX}/stage`]: labelValue(job.labels.stage),
    [`${LABEL_PREFIX}/job`]: labelValue(job.labels.job),
    [`${LABEL_PREFIX}/attempt`]: labelValue(job.labels.attempt),
    [JOB_LABEL]: job.externalName,
  };
  const checkout: V1Container[] = job.repository
    ? [
        {
          name: containerName(0, 'checkout'),
          image: GIT_IMAGE,
          workingDir: WORKSPACE,
          command: ['/bin/sh', '-ec'],
          args: [
            [
              GIT_AUTH_SCRIPT,
              'git clone --quiet --depth 1 --branch "$SLIPWAY_REF" "$SLIPWAY_REPOSITORY" .',
              PIN_COMMIT_SCRIPT,
              'git rev-parse HEAD > /dev/termination-log',
              'git log -1 --format="checked out %h: %s"',
            ].join('\n'),
          ],
          env: [
            ...(job.gitAuth && secretName
              ? [
                  {
                    name: 'SLIPWAY_GIT_USERNAME',
                    valueFrom: { secretKeyRef: { name: secretName, key: GIT_USERNAME_KEY } },
                  },
                  {
                    name: 'SLIPWAY_GIT_PASSWORD',
                    valueFrom: { secretKeyRef: { name: secretName, key: GIT_PASSWORD_KEY } },
                  },
                ]
              : []),
            ...envList({
              ...job.env,
              SLIPWAY_REF: job.repository.ref,
              SLIPWAY_REPOSITORY: job.repository.url,
              SLIPWAY_COMMIT: job.repository.commit ?? '',
              HOME: '/tmp',
            }),
          ],
          volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }],
          securityContext: RESTRICTED,
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } },
        },
      ]
    : [];
  const offset = checkout.length;
  const registryCredentials = [
    ...new Set(job.steps.flatMap((s) => (s.buildImage?.credential ? [s.buildImage.credential] : []))),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.externalName, namespace: job.namespace, labels },
    spec: {
      // The engine retries (as new attempts with their own Job), never Kubernetes.
      backoffLimit: 0,
      ...(job.timeoutSeconds ? { activeDeadlineSeconds: job.timeoutSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumes: [
            { name: 'workspace', emptyDir: {} },
            ...(secretName
              ? registryCredentials.map((name) => ({
                  name: `registry-${name}`,
                  secret: { secretName, items: [{ key: registryKey(name), path: 'config.json' }] },
                }))
              : []),
          ],
          // Each step is an init container: they run in order, each with its own image,
          // status and log; the first failure stops the pod.
          initContainers: [
            ...checkout,
            ...job.steps.map((step, index) => stepContainer(job, step, index + offset, secretName)),
          ],
          containers: [
            {
              name: 'done',
              image: DEFAULT_STEP_IMAGE,
              command: ['/bin/true'],
              securityContext: RESTRICTED,
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
            },
          ],
        },
      },
    },
  };
}

/**
 * What a step reported in its termination message: a build step's BuildKit metadata
 * (JSON) gives the pushed image's digest; anything else (the commit) is kept as it is.
 */
export function resultOf(message: string | undefined): string | undefined {
  const text = message?.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const digest = (JSON.parse(text) as Record<string, unknown>)['containerimage.digest'];
      if (typeof digest === 'string') return digest;
    } catch {
      // not metadata: keep the text
    }
  }
  return text.slice(0, 500);
}

function stepFrom(pod: V1Pod | undefined, index: number, name: string): ObservedStep {
  const status = pod?.status?.initContainerStatuses?.find((s) => s.name === name);
  const terminated = status?.state?.terminated;
  if (terminated) {
    return {
      status: terminated.exitCode === 0 ? 'succeeded' : 'failed',
      exitCode: terminated.exitCode,
      result: resultOf(terminated.message),
      startedAt: terminated.startedAt ? new Date(terminated.startedAt) : undefined,
      finishedAt: terminated.finishedAt ? new Date(terminated.finishedAt) : undefined,
    };
  }
  if (status?.state?.running) {
    return {
      status: 'running',
      startedAt: status.state.running.startedAt ? new Date(status.state.running.startedAt) : undefined,
    };
  }
  void index;
  return { status: 'pending' };
}

/** Runs pipeline jobs as Kubernetes Jobs: one Job per job attempt, one init container per step. */
export function createKubeExecutor(deps: { kube: KubeClient }): Executor {
  const { kube } = deps;
  const secretNameOf = (job: JobRef) => `${job.externalName}-secrets`.slice(0, 253);

  async function podOf(job: JobRef): Promise<V1Pod | undefined> {
    const pods = await kube.listPods(job.namespace, `${JOB_LABEL}=${job.externalName}`);
    return pods.sort((a, b) =>
      String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)),
    )[0];
  }

  return {
    kind: 'kubernetes',

    async start(job: JobDispatch): Promise<void> {
      let secretName: string | undefined;
      const data = jobSecretData(job);
      if (Object.keys(data).length > 0) {
        secretName = secretNameOf(job);
        await kube.createSecret(job.namespace, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: secretName,
            namespace: job.namespace,
            labels: { 'app.kubernetes.io/managed-by': 'slipway', [JOB_LABEL]: job.externalName },
          },
          type: 'Opaque',
          stringData: data,
        });
      }
      try {
        await kube.createJob(job.namespace, jobManifest(job, secretName));
      } catch (error) {
        // Created before a crash: adopt it.
        if (error instanceof KubeError && error.kubeStatus === 409) return;
        throw error;
      }
    },

    async observe(job: JobRef, stepCount: number): Promise<JobObservation> {
      const current = await kube.getJob(job.namespace, job.externalName);
      if (!current) return { state: 'missing', steps: [] };
      const pod = await podOf(job);
      const names = [
        ...(pod?.spec?.initContainers ?? current.spec?.template.spec?.initContainers ?? []).map(
          (c) => c.name,
        ),
      ];
      const steps = Array.from({ length: stepCount }, (_, index) => stepFrom(pod, index, names[index] ?? ''));
      const conditions = current.status?.conditions ?? [];
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
      if (complete || (current.status?.succeeded ?? 0) > 0) {
        for (const step of steps) if (step.status !== 'succeeded') step.status = 'succeeded';
        return { state: 'succeeded', steps };
      }
      if (failed || (current.status?.failed ?? 0) > 0) {
        const failedAt = steps.findIndex((s) => s.status === 'failed');
        for (const [index, step] of steps.entries()) {
          if (step.status === 'running') step.status = 'failed';
          if (failedAt >= 0 && index > failedAt && step.status === 'pending') step.status = 'skipped';
        }
        const reason =
          failed?.reason === 'DeadlineExceeded'
            ? 'timed out (activeDeadlineSeconds)'
            : failedAt >= 0
              ? `step ${failedAt} exited with code ${steps[failedAt]?.exitCode}`
              : (failed?.message ?? 'the Job failed');
        return { state: 'failed', steps, message: reason };
      }
      return { state: 'running', steps };
    },

    async stop(job: JobRef): Promise<void> {
      await kube.deleteJob(job.namespace, job.externalName);
      await kube.deleteSecret(job.namespace, secretNameOf(job));
    },

    async openLog(job: JobRef, stepIndex: number, fromByte: number, isFinished: () => boolean) {
      const pod = await podOf(job);
      const name = pod?.spec?.initContainers?.[stepIndex]?.name;
      const status = pod?.status?.initContainerStatuses?.find((s) => s.name === name);
      if (!pod?.metadata?.name || !name || !(status?.state?.running || status?.state?.terminated))
        return null;
      const source = await kube.podLogs(
        { namespace: job.namespace, pod: pod.metadata.name, container: name },
        { follow: !isFinished() },
      );
      return followLog(source, { fromByte, isFinished, quietAfterEndMs: QUIET_AFTER_END_MS });
    },

    watch(namespace: string, onRun: (runId: string) => void): () => void {
      const stop = new AbortController();
      const labelSelector = 'app.kubernetes.io/managed-by=slipway';
      const onEvent = (event: { object: { metadata?: { labels?: Record<string, string> } } }) => {
        const runId = event.object.metadata?.labels?.[`${LABEL_PREFIX}/run`];
        if (runId) onRun(runId);
      };
      for (const target of [
        { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
        { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
      ]) {
        void kube
          .watch({ ...target, namespace, labelSelector }, { signal: stop.signal, onEvent })
          .catch(() => undefined);
      }
      return () => stop.abort();
    },

    async release(job: JobRef): Promise<void> {
      await kube.deleteSecret(job.namespace, secretNameOf(job));
      // The Job and its pods may go now that the logs are archived.
      await kube.mergePatch({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: job.externalName, namespace: job.namespace },
        spec: { ttlSecondsAfterFinished: TTL_AFTER_ARCHIVE_SECONDS },
      } as V1Job);
    },
  };
}

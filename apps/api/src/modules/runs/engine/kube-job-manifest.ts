// The Kubernetes Job of one pipeline job attempt: an init container per step (in order,
// each with its own image, status and log), values in env, secrets from the job's Secret.
import type { V1Container, V1Job, V1SecurityContext } from '@slipway/kube';
import {
  DEFAULT_STEP_IMAGE,
  type PlannedStep,
  reportsSidecarScript,
  TRANSFER_IMAGE,
} from '@slipway/pipeline';
import {
  CHECKOUT_COMMIT_FILE,
  GIT_AUTH_SCRIPT,
  type JobDispatch,
  PIN_COMMIT_SCRIPT,
  stepEnvironment,
  stepScriptOf,
} from './executor.ts';

export const LABEL_PREFIX = 'slipway.dev';
export const JOB_LABEL = `${LABEL_PREFIX}/job-attempt`;
const WORKSPACE = '/workspace';
/**
 * Name of the reports sidecar (see `reportsSidecar`); not a step's `s<index>-…` name, so it
 * never collides with one.
 */
export const REPORTS_SIDECAR = 'reports-on-failure';
/** The grace period of a pod with the reports sidecar: time to upload the reports after a failure. */
export const REPORTS_GRACE_SECONDS = 120;
/** Image of the checkout step (git). */
export const GIT_IMAGE = 'alpine/git:2.49.1';
/** Daemonless image builds: rootless BuildKit, run without a daemon. */
export const BUILD_IMAGE = 'moby/buildkit:v0.26.2-rootless';

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

/**
 * Text of a container's `command`, `args` or `env` value as the kubelet should pass it:
 * the kubelet replaces `$(NAME)` by the variable NAME and `$$` by `$`, so every `$` is
 * doubled and a value (or script) reaches the container exactly as written.
 */
export function kubeLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

function envList(env: Record<string, string>) {
  return Object.entries(env).map(([name, value]) => ({ name, value: kubeLiteral(value) }));
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
/** The key of the job's token (restore/upload steps only). */
export const JOB_TOKEN_KEY = 'slipway-job-token';

/** Everything secret a job needs, as the data of its Secret. */
export function jobSecretData(job: JobDispatch): Record<string, string> {
  return {
    ...job.secretEnv,
    ...(job.gitAuth
      ? { [GIT_USERNAME_KEY]: job.gitAuth.username, [GIT_PASSWORD_KEY]: job.gitAuth.password }
      : {}),
    ...(job.transfer ? { [JOB_TOKEN_KEY]: job.transfer.token } : {}),
    ...Object.fromEntries(
      Object.entries(job.registryConfigs).map(([name, config]) => [registryKey(name), config]),
    ),
  };
}

/** SLIPWAY_API_URL and SLIPWAY_JOB_TOKEN (from the job's Secret) of a restore/upload step. */
function transferEnv(job: JobDispatch, secretName: string | undefined) {
  return [
    { name: 'SLIPWAY_API_URL', value: kubeLiteral(job.transfer?.apiUrl ?? '') },
    ...(job.transfer && secretName
      ? [{ name: 'SLIPWAY_JOB_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: JOB_TOKEN_KEY } } }]
      : []),
  ];
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
    env: [
      ...envList(stepEnvironment(job, step)),
      // A restore/upload step gets the API's URL and the job's token, not the job's secrets.
      ...(step.transfer
        ? transferEnv(job, secretName)
        : secretEnvRefs(Object.keys(job.secretEnv), secretName)),
    ],
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
      ].map(kubeLiteral),
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
    command: ['/bin/sh', '-ec', kubeLiteral(stepScriptOf(step))],
    securityContext: RESTRICTED,
  };
}

/**
 * A native sidecar (an init container with `restartPolicy: Always`, Kubernetes ≥ 1.29) that
 * uploads a job's test reports when a step fails: the upload step, an init container after
 * the failed one, never runs then. Only for a job whose upload step runs `always` (it has
 * `reports`); it gets the upload step's environment (the API's URL and the job token).
 * Undefined for other jobs.
 */
function reportsSidecar(job: JobDispatch, secretName: string | undefined): V1Container | undefined {
  const index = job.steps.findIndex((s) => s.always && s.transfer === 'upload');
  const upload = job.steps[index];
  if (!upload) return undefined;
  return {
    name: REPORTS_SIDECAR,
    image: TRANSFER_IMAGE,
    restartPolicy: 'Always',
    workingDir: WORKSPACE,
    command: ['/bin/sh', '-ec', kubeLiteral(reportsSidecarScript(stepScriptOf(upload)))],
    env: [...envList(stepEnvironment(job, upload)), ...transferEnv(job, secretName)],
    volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }],
    securityContext: RESTRICTED,
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '256Mi' } },
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
            kubeLiteral(
              [
                GIT_AUTH_SCRIPT,
                'git clone --quiet --depth 1 --branch "$SLIPWAY_REF" "$SLIPWAY_REPOSITORY" .',
                PIN_COMMIT_SCRIPT,
                'git rev-parse HEAD > /dev/termination-log',
                `git rev-parse HEAD > ${CHECKOUT_COMMIT_FILE}`,
                'git log -1 --format="checked out %h: %s"',
              ].join('\n'),
            ),
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
  const sidecar = reportsSidecar(job, secretName);
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
          ...(sidecar ? { terminationGracePeriodSeconds: REPORTS_GRACE_SECONDS } : {}),
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
          // status and log; the first failure stops the pod. The reports sidecar comes first,
          // so that it runs whichever step fails.
          initContainers: [
            ...(sidecar ? [sidecar] : []),
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

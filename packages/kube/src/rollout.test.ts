import { describe, expect, it } from 'vitest';
import type { V1DaemonSet, V1Deployment, V1Pod, V1StatefulSet } from './index.ts';
import { crashLoopingPods, rolloutStatusOf } from './rollout.ts';

// The cases of kubectl's rollout_status_test.go (k8s.io/kubectl/pkg/polymorphichelpers),
// with the messages kubectl prints (without the trailing newline).

function deployment(
  generation: number,
  replicas: number,
  status: NonNullable<V1Deployment['status']>,
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  };
}

describe('rolloutStatusOf: Deployment', () => {
  it.each([
    [
      'updated replicas behind',
      deployment(1, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 }),
      'progressing',
      'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...',
    ],
    [
      'old replicas pending termination',
      deployment(1, 1, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }),
      'progressing',
      'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...',
    ],
    [
      'updated replicas not yet available',
      deployment(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      'progressing',
      'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...',
    ],
    [
      'all available',
      deployment(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      'done',
      'deployment "foo" successfully rolled out',
    ],
    [
      'spec update not yet observed',
      deployment(2, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      'progressing',
      'Waiting for deployment spec update to be observed...',
    ],
    [
      'progress deadline exceeded',
      deployment(1, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 0,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "foo-5d8f" has timed out progressing.',
          },
        ],
      }),
      'failed',
      'deployment "foo" exceeded its progress deadline: ReplicaSet "foo-5d8f" has timed out progressing.',
    ],
    [
      'progressing condition still within the deadline',
      deployment(1, 2, {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 0,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
      }),
      'progressing',
      'Waiting for deployment "foo" rollout to finish: 0 of 2 updated replicas are available...',
    ],
  ])('%s', (_, object, state, message) => {
    expect(rolloutStatusOf(object)).toEqual({ state, message });
  });
});

function daemonSet(
  generation: number,
  status: NonNullable<V1DaemonSet['status']>,
  type = 'RollingUpdate',
): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'foo', generation },
    spec: { selector: {}, template: {}, updateStrategy: { type } },
    status,
  };
}

describe('rolloutStatusOf: DaemonSet', () => {
  const base = { currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: 0, observedGeneration: 1 };
  it.each([
    [
      'new pods not yet updated',
      daemonSet(1, { ...base, desiredNumberScheduled: 1, updatedNumberScheduled: 0, numberAvailable: 0 }),
      'progressing',
      'Waiting for daemon set "foo" rollout to finish: 0 out of 1 new pods have been updated...',
    ],
    [
      'updated pods not yet available',
      daemonSet(1, { ...base, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }),
      'progressing',
      'Waiting for daemon set "foo" rollout to finish: 1 of 2 updated pods are available...',
    ],
    [
      'all available',
      daemonSet(1, { ...base, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
      'done',
      'daemon set "foo" successfully rolled out',
    ],
    [
      'spec update not yet observed',
      daemonSet(2, { ...base, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
      'progressing',
      'Waiting for daemon set spec update to be observed...',
    ],
    [
      'OnDelete has no rollout to follow',
      daemonSet(
        1,
        { ...base, desiredNumberScheduled: 2, updatedNumberScheduled: 0, numberAvailable: 0 },
        'OnDelete',
      ),
      'done',
      'rollout status is only available for RollingUpdate strategy type',
    ],
  ])('%s', (_, object, state, message) => {
    expect(rolloutStatusOf(object)).toEqual({ state, message });
  });
});

function statefulSet(
  generation: number,
  replicas: number,
  status: NonNullable<V1StatefulSet['status']>,
  updateStrategy: NonNullable<V1StatefulSet['spec']>['updateStrategy'] = { type: 'RollingUpdate' },
): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'foo', generation },
    spec: { replicas, selector: {}, serviceName: 'foo', template: {}, updateStrategy },
    status,
  };
}

describe('rolloutStatusOf: StatefulSet', () => {
  it.each([
    [
      'spec update not yet observed',
      statefulSet(2, 3, { observedGeneration: 1, replicas: 3, readyReplicas: 3 }),
      'progressing',
      'Waiting for statefulset spec update to be observed...',
    ],
    [
      'never observed',
      statefulSet(1, 3, { replicas: 0 }),
      'progressing',
      'Waiting for statefulset spec update to be observed...',
    ],
    [
      'pods not ready',
      statefulSet(1, 3, { observedGeneration: 1, replicas: 3, readyReplicas: 2 }),
      'progressing',
      'Waiting for 1 pods to be ready...',
    ],
    [
      'partition not yet rolled out',
      statefulSet(
        1,
        3,
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
        { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      ),
      'progressing',
      'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    ],
    [
      'partition rolled out',
      statefulSet(
        1,
        3,
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 2 },
        { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      ),
      'done',
      'partitioned roll out complete: 2 new pods have been updated...',
    ],
    [
      'rolling update in progress',
      statefulSet(1, 3, {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'foo-1',
        updateRevision: 'foo-2',
      }),
      'progressing',
      'waiting for statefulset rolling update to complete 1 pods at revision foo-2...',
    ],
    [
      'rolling update complete',
      statefulSet(1, 3, {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'foo-2',
        updateRevision: 'foo-2',
      }),
      'done',
      'statefulset rolling update complete 3 pods at revision foo-2...',
    ],
    [
      'OnDelete has no rollout to follow',
      statefulSet(1, 3, { observedGeneration: 1, replicas: 3 }, { type: 'OnDelete' }),
      'done',
      'rollout status is only available for RollingUpdate strategy type',
    ],
  ])('%s', (_, object, state, message) => {
    expect(rolloutStatusOf(object)).toEqual({ state, message });
  });
});

describe('rolloutStatusOf: other kinds', () => {
  it('has nothing to wait for', () => {
    expect(rolloutStatusOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }).state).toBe(
      'done',
    );
  });
});

describe('crashLoopingPods', () => {
  it('lists containers (init containers too) waiting in CrashLoopBackOff, with their restarts', () => {
    const pods: V1Pod[] = [
      {
        metadata: { name: 'web-1' },
        status: {
          initContainerStatuses: [
            {
              name: 'migrate',
              image: 'm',
              imageID: '',
              ready: false,
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
          ],
          containerStatuses: [
            {
              name: 'web',
              image: 'w',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'PodInitializing' } },
            },
          ],
        },
      },
      {
        metadata: { name: 'web-2' },
        status: {
          containerStatuses: [
            {
              name: 'web',
              image: 'w',
              imageID: '',
              ready: false,
              restartCount: 2,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
            {
              name: 'sidecar',
              image: 's',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: {} },
            },
          ],
        },
      },
      { metadata: { name: 'web-3' }, status: { phase: 'Pending' } },
    ];
    expect(crashLoopingPods(pods)).toEqual([
      { pod: 'web-1', container: 'migrate', reason: 'CrashLoopBackOff', restarts: 4 },
      { pod: 'web-2', container: 'web', reason: 'CrashLoopBackOff', restarts: 2 },
    ]);
  });
});

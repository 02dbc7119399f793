import { describe, expect, it } from 'vitest';
import { type DeployingRelease, releaseStep, replacedStatus } from './release-transitions.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const TEN_SECONDS_AGO = new Date('2026-12-01T09:59:50.000Z');

function release(over: Partial<DeployingRelease> = {}): DeployingRelease {
  return {
    status: 'deploying',
    phase: 'pending',
    startedAt: TEN_SECONDS_AGO,
    createdAt: TEN_SECONDS_AGO,
    timeoutSeconds: 60,
    ...over,
  };
}

describe('releaseStep', () => {
  it('records when applying began on the first look', () => {
    const step = releaseStep({
      release: release({ startedAt: null }),
      observation: { type: 'applied', configMaps: [], objects: [] },
      now: NOW,
    });
    expect(step.change.startedAt).toEqual(NOW);
    expect(step.change.phase).toBe('applied');
  });

  it('logs what apply did and moves on to the rollout at once', () => {
    const step = releaseStep({
      release: release(),
      observation: {
        type: 'applied',
        configMaps: [
          { name: 'app-config-v1', created: true },
          { name: 'db-v3', created: false },
        ],
        objects: [
          { ref: 'Deployment/web', outcome: 'created' },
          { ref: 'Service/web', outcome: 'unchanged' },
        ],
      },
      now: NOW,
    });
    expect(step.change).toEqual({ phase: 'applied' });
    expect(step.log).toEqual([
      'ConfigMap/app-config-v1 created (immutable)',
      'ConfigMap/db-v3 exists; reused',
      'Deployment/web created',
      'Service/web unchanged',
    ]);
    expect(step.requeueAfterMs).toBe(0);
  });

  it('logs the objects of earlier releases it pruned, and those it could not', () => {
    const step = releaseStep({
      release: release(),
      observation: {
        type: 'applied',
        configMaps: [],
        objects: [{ ref: 'Deployment/web', outcome: 'configured' }],
        pruned: [{ ref: 'Service/old' }, { ref: 'Ingress/old', problem: 'forbidden' }],
      },
      now: NOW,
    });
    expect(step.log).toEqual([
      'Deployment/web configured',
      'Service/old pruned',
      'Ingress/old not pruned: forbidden',
    ]);
  });

  it('fails a refused release naming every problem, with nothing applied', () => {
    const step = releaseStep({
      release: release(),
      observation: { type: 'refused', problems: ['Deployment/web: spec.replicas: Invalid value'] },
      now: NOW,
    });
    expect(step.change).toMatchObject({ status: 'failed', phase: 'done', finishedAt: NOW });
    expect(step.change.message).toContain('spec.replicas: Invalid value');
    expect(step.change.message).toContain('before anything was applied');
    expect(step.requeueAfterMs).toBeUndefined();
  });

  it('keeps following a progressing rollout, logging only new progress', () => {
    const observation = {
      type: 'rollout' as const,
      workloads: [{ ref: 'Deployment/web', state: 'progressing' as const, message: '1 of 2 updated' }],
      crashLooping: [],
      podEvents: [],
    };
    const first = releaseStep({ release: release({ phase: 'applied' }), observation, now: NOW });
    expect(first.log).toEqual(['Deployment/web: 1 of 2 updated']);
    expect(first.requeueAfterMs).toBe(1000);
    expect(first.change.status).toBeUndefined();
    const again = releaseStep({
      release: release({ phase: 'applied' }),
      observation,
      now: NOW,
      previous: new Set(first.log),
    });
    expect(again.log).toEqual([]);
  });

  it('succeeds when every workload is done', () => {
    const step = releaseStep({
      release: release({ phase: 'applied' }),
      observation: {
        type: 'rollout',
        workloads: [{ ref: 'Deployment/web', state: 'done', message: 'successfully rolled out' }],
        crashLooping: [],
        podEvents: [],
      },
      now: NOW,
    });
    expect(step.change).toMatchObject({ status: 'succeeded', phase: 'done', finishedAt: NOW });
    expect(step.log.at(-1)).toBe('release succeeded: every workload is available');
    expect(step.requeueAfterMs).toBeUndefined();
  });

  it('fails with the condition message of a failed rollout', () => {
    const step = releaseStep({
      release: release({ phase: 'applied' }),
      observation: {
        type: 'rollout',
        workloads: [
          {
            ref: 'Deployment/web',
            state: 'failed',
            message: 'deployment "web" exceeded its progress deadline',
          },
        ],
        crashLooping: [],
        podEvents: ['Pod/web-1: Unhealthy: readiness probe failed'],
      },
      now: NOW,
    });
    expect(step.change.status).toBe('failed');
    expect(step.change.message).toBe('Deployment/web: deployment "web" exceeded its progress deadline');
    expect(step.log).toContain('Pod/web-1: Unhealthy: readiness probe failed');
  });

  it('fails naming a crash-looping pod and its last log lines', () => {
    const step = releaseStep({
      release: release({ phase: 'applied' }),
      observation: {
        type: 'rollout',
        workloads: [{ ref: 'Deployment/web', state: 'progressing', message: '0 of 1 available' }],
        crashLooping: [
          {
            pod: 'web-1',
            container: 'app',
            reason: 'CrashLoopBackOff',
            restarts: 4,
            lastLines: ['panic: no config'],
          },
        ],
        podEvents: [],
      },
      now: NOW,
    });
    expect(step.change.status).toBe('failed');
    expect(step.change.message).toContain(
      'pod web-1 container app is crash-looping (CrashLoopBackOff, 4 restarts)',
    );
    expect(step.change.message).toContain('panic: no config');
  });

  it('fails a rollout still progressing at its deadline', () => {
    const step = releaseStep({
      release: release({ phase: 'applied', timeoutSeconds: 5 }),
      observation: {
        type: 'rollout',
        workloads: [{ ref: 'Deployment/web', state: 'progressing', message: '0 of 1 available' }],
        crashLooping: [],
        podEvents: [],
      },
      now: NOW,
    });
    expect(step.change.status).toBe('failed');
    expect(step.change.message).toBe(
      'the rollout did not finish within 5s: Deployment/web: 0 of 1 available',
    );
  });

  it('retries an unreachable cluster with back-off, then fails with the reason at the deadline', () => {
    const reason = 'connect ECONNREFUSED 127.0.0.1:6443 (502)';
    const first = releaseStep({ release: release(), observation: { type: 'unreachable', reason }, now: NOW });
    expect(first.change.status).toBeUndefined();
    expect(first.requeueAfterMs).toBe(1000);
    expect(first.log).toEqual([`cluster unreachable (${reason}); retrying`]);
    const third = releaseStep({
      release: release(),
      observation: { type: 'unreachable', reason },
      now: NOW,
      attempt: 3,
      previous: new Set(first.log),
    });
    expect(third.requeueAfterMs).toBe(4000);
    expect(third.log).toEqual([]);
    const late = releaseStep({
      release: release({ timeoutSeconds: 5 }),
      observation: { type: 'unreachable', reason },
      now: NOW,
    });
    expect(late.change.status).toBe('failed');
    expect(late.change.message).toContain(reason);
  });
});

describe('replacedStatus', () => {
  it('is rolled-back when the new release is a rollback, superseded otherwise', () => {
    expect(replacedStatus({ rollbackOf: 1 })).toBe('rolled-back');
    expect(replacedStatus({ rollbackOf: null })).toBe('superseded');
  });

  it('only supersedes the live release an automatic rollback restores', () => {
    expect(replacedStatus({ rollbackOf: 1, trigger: 'auto-rollback' })).toBe('superseded');
    expect(replacedStatus({ rollbackOf: 1, trigger: 'rollback' })).toBe('rolled-back');
  });
});

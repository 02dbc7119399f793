import { describe, expect, it } from 'vitest';
import { autoRollbackStep } from './release-rollback.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
/** The step `releaseStep` returns for a rollout that failed. */
const failedStep = {
  change: {
    status: 'failed' as const,
    phase: 'done' as const,
    message: 'Deployment/web: crash',
    finishedAt: NOW,
  },
  log: ['release failed: Deployment/web: crash'],
};
const failed = { trigger: 'run', environmentName: 'prod' };

describe('autoRollbackStep: a failed rollout in an environment that rolls back automatically', () => {
  it('marks the release rolled back with the reason and names the live release to go back to', () => {
    const { step, rollBackTo } = autoRollbackStep(failedStep, failed, { number: 4 });
    expect(rollBackTo).toBe(4);
    expect(step.change).toEqual({
      status: 'rolled-back',
      phase: 'done',
      message: 'rolled back automatically: Deployment/web: crash',
      finishedAt: NOW,
    });
    expect(step.log).toEqual([
      'release failed: Deployment/web: crash',
      'rolling back automatically to release 4',
    ]);
  });

  it('leaves it failed, saying why, when no earlier release of the project succeeded there', () => {
    const { step, rollBackTo } = autoRollbackStep(failedStep, failed, null);
    expect(rollBackTo).toBeNull();
    expect(step.change.status).toBe('failed');
    expect(step.log.at(-1)).toBe(
      'not rolled back automatically: no earlier release of the project succeeded in environment "prod"',
    );
  });

  it('never rolls back an automatic rollback (no loop)', () => {
    const { step, rollBackTo } = autoRollbackStep(
      failedStep,
      { trigger: 'auto-rollback', environmentName: 'prod' },
      { number: 4 },
    );
    expect(rollBackTo).toBeNull();
    expect(step.change.status).toBe('failed');
    expect(step.log.at(-1)).toBe('not rolled back automatically: it is an automatic rollback itself');
  });
});

import type { JobRun } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { defaultJob, retryableStages, stageStatus, stagesOf } from './run-graph.ts';

function job(stage: string, stageIndex: number, name: string, status: JobRun['status']): JobRun {
  return {
    name,
    stage,
    stageIndex,
    kind: 'job',
    status,
    attempt: 1,
    reusedFrom: null,
    executor: 'local',
    message: null,
    startedAt: null,
    finishedAt: null,
    steps: [],
    approval: null,
    release: null,
    manual: null,
  };
}

describe('run graph', () => {
  it('groups jobs by stage in stage order', () => {
    const stages = stagesOf([
      job('test', 1, 'unit', 'pending'),
      job('build', 0, 'a', 'succeeded'),
      job('test', 1, 'lint', 'running'),
    ]);
    expect(stages.map((s) => [s.name, s.jobs.map((j) => j.name)])).toEqual([
      ['build', ['a']],
      ['test', ['unit', 'lint']],
    ]);
  });

  it('sums a stage up by its most telling job', () => {
    expect(stageStatus([{ status: 'succeeded' }, { status: 'failed' }, { status: 'running' }])).toBe(
      'failed',
    );
    expect(stageStatus([{ status: 'succeeded' }, { status: 'running' }])).toBe('running');
    expect(stageStatus([{ status: 'succeeded' }, { status: 'skipped' }])).toBe('succeeded');
    expect(stageStatus([{ status: 'skipped' }])).toBe('skipped');
    // A manual job nobody played: the stage shows that, unless another job of it did something.
    expect(stageStatus([{ status: 'manual' }, { status: 'skipped' }])).toBe('manual');
    expect(stageStatus([{ status: 'manual' }, { status: 'succeeded' }])).toBe('succeeded');
    expect(stageStatus([{ status: 'manual' }, { status: 'running' }])).toBe('running');
  });

  it('an unplayed manual job does not stop a retry from a later stage', () => {
    const jobs = [
      job('build', 0, 'compile', 'succeeded'),
      job('release', 1, 'publish', 'manual'),
      job('verify', 2, 'check', 'failed'),
    ];
    expect(retryableStages({ jobs })).toEqual(['release', 'verify']);
  });

  it('offers retrying from each stage up to the first that did not succeed, never the first', () => {
    const jobs = [
      job('prepare', 0, 'deps', 'succeeded'),
      job('test', 1, 'unit', 'succeeded'),
      job('test', 1, 'lint', 'skipped'),
      job('deploy', 2, 'ship', 'failed'),
      job('verify', 3, 'smoke', 'cancelled'),
    ];
    expect(retryableStages({ jobs })).toEqual(['test', 'deploy']);
    expect(retryableStages({ jobs: [job('only', 0, 'x', 'failed')] })).toEqual([]);
  });

  it('shows first the job that needs attention: a waiting gate, then a rejection, a failure, a running job', () => {
    const built = job('build', 0, 'compile', 'succeeded');
    const running = job('test', 1, 'unit', 'running');
    const failed = job('test', 1, 'lint', 'failed');
    const gate = job('approve', 2, 'approve', 'waiting');
    expect(defaultJob([built, running, failed, gate])).toBe(gate);
    expect(defaultJob([built, running, failed])).toBe(failed);
    expect(defaultJob([built, running])).toBe(running);
    expect(defaultJob([built, job('ship', 3, 'deploy', 'pending')])).toBe(built);
    expect(defaultJob([])).toBeUndefined();
  });
});

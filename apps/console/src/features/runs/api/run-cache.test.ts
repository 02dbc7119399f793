import type { JobRun, Run } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { applyRunEvent, parseStreamMessage, type RunStreamMessage } from './run-cache.ts';

function job(name: string, status: JobRun['status'], attempt = 1): JobRun {
  return {
    name,
    stage: 'test',
    stageIndex: 0,
    kind: 'job',
    status,
    attempt,
    executor: 'local',
    reusedFrom: null,
    message: null,
    startedAt: null,
    finishedAt: null,
    approval: null,
    steps: [0, 1].map((index) => ({
      index,
      name: `step-${index}`,
      status: 'pending' as const,
      exitCode: null,
      result: null,
      logLines: 0,
      logError: null,
      startedAt: null,
      finishedAt: null,
    })),
  };
}

const run: Run = {
  number: 1,
  pipeline: 'ci',
  revision: 1,
  status: 'running',
  releaseType: 'full',
  environment: 'dev',
  ref: 'main',
  commit: null,
  trigger: 'manual',
  triggeredBy: 'admin',
  retryOf: null,
  message: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  parameters: {},
  spec: '',
  streamCursor: '0-0',
  jobs: [job('unit', 'running'), job('lint', 'pending')],
};

const message = (type: string, data: object) =>
  parseStreamMessage(type, JSON.stringify(data)) as RunStreamMessage;

describe('parseStreamMessage', () => {
  it('reads the frames it knows and ignores the rest', () => {
    expect(parseStreamMessage('run', '{"status":"succeeded"}')).toEqual({
      type: 'run',
      data: { status: 'succeeded' },
    });
    expect(parseStreamMessage('run', '{"status":"exploded"}')).toBeUndefined();
    expect(parseStreamMessage('run', 'not json')).toBeUndefined();
    expect(parseStreamMessage('other', '{}')).toBeUndefined();
    expect(parseStreamMessage('approval', '{"gate":"prod","user":"ana","decision":"approve"}')).toEqual({
      type: 'approval',
    });
    const log = { stage: 'test', job: 'unit', attempt: 1, step: 0, firstLine: 3, lines: ['a', 'b'] };
    expect(parseStreamMessage('log', JSON.stringify(log))).toEqual({ type: 'log', data: log });
  });
});

describe('applyRunEvent', () => {
  it('moves the run, a job and a step forward', () => {
    let next = applyRunEvent(run, message('run', { status: 'succeeded' }));
    expect(next.status).toBe('succeeded');
    next = applyRunEvent(
      next,
      message('job', { stage: 'test', name: 'lint', attempt: 1, status: 'running', message: null }),
    );
    expect(next.jobs[1]?.status).toBe('running');
    next = applyRunEvent(
      next,
      message('step', { stage: 'test', job: 'unit', attempt: 1, index: 1, status: 'failed', exitCode: 2 }),
    );
    expect(next.jobs[0]?.steps[1]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(run.jobs[0]?.steps[1]?.status).toBe('pending');
  });

  it('never moves a status back when the stream replays older events', () => {
    const finished = { ...run, status: 'succeeded' as const };
    expect(applyRunEvent(finished, message('run', { status: 'queued' }))).toBe(finished);
    expect(
      applyRunEvent(run, message('job', { stage: 'test', name: 'unit', attempt: 1, status: 'pending' })),
    ).toBe(run);
    // running ↔ waiting is a real change (a gate opens, then is approved).
    expect(applyRunEvent(run, message('run', { status: 'waiting' })).status).toBe('waiting');
  });

  it('starts a job over on a new attempt and ignores events of older attempts', () => {
    const retried = applyRunEvent(
      run,
      message('job', { stage: 'test', name: 'unit', attempt: 2, status: 'pending', message: 'retry 1 of 2' }),
    );
    expect(retried.jobs[0]).toMatchObject({ attempt: 2, status: 'pending', message: 'retry 1 of 2' });
    expect(retried.jobs[0]?.steps.every((step) => step.status === 'pending')).toBe(true);
    const stale = message('step', { stage: 'test', job: 'unit', attempt: 1, index: 0, status: 'failed' });
    expect(applyRunEvent(retried, stale)).toBe(retried);
  });

  it('leaves the run alone for unknown jobs and approvals (a refetch brings those)', () => {
    expect(applyRunEvent(run, message('job', { stage: 'x', name: 'y', attempt: 1, status: 'running' }))).toBe(
      run,
    );
    expect(applyRunEvent(run, { type: 'approval' })).toBe(run);
  });
});

import type { JobRun, Run, RunEvent } from '@slipway/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyRunEvent, parseStreamMessage } from './run-cache.ts';

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
    release: null,
    manual: null,
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

/** An event as the stream sends it: `event:` name and JSON `data:` (the whole event). */
function message(type: string, data: object): RunEvent {
  const event = parseStreamMessage(type, JSON.stringify({ type, ...data }));
  if (!event) throw new Error(`not an event of the contract: ${type} ${JSON.stringify(data)}`);
  return event;
}

describe('parseStreamMessage', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each<RunEvent>([
    { type: 'run', status: 'succeeded' },
    { type: 'job', stage: 't', name: 'u', attempt: 2, status: 'pending', message: 'retry 1 of 1' },
    {
      type: 'step',
      stage: 't',
      job: 'u',
      attempt: 1,
      index: 0,
      name: 's',
      status: 'running',
      exitCode: null,
    },
    { type: 'approval', gate: 'prod', user: 'ana', decision: 'approve' },
    { type: 'log', stage: 't', job: 'u', attempt: 1, step: 0, firstLine: 3, lines: ['a', 'b'] },
  ])('reads a $type event of the contract', (event) => {
    expect(parseStreamMessage(event.type, JSON.stringify(event))).toEqual(event);
  });

  it.each([
    ['an unknown status', 'run', '{"type":"run","status":"exploded"}'],
    ['data that is not JSON', 'run', 'not json'],
    ['an unknown type', 'other', '{"type":"other"}'],
    ['data without its type', 'run', '{"status":"queued"}'],
    ['data of another type than the frame', 'job', '{"type":"run","status":"queued"}'],
    [
      'a job event without its attempt',
      'job',
      '{"type":"job","stage":"s","name":"n","status":"running","message":null}',
    ],
  ])('ignores %s with a warning, never throwing', (_what, type, data) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(parseStreamMessage(type, data)).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain(`"${type}" frame`);
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
      message('step', {
        stage: 'test',
        job: 'unit',
        attempt: 1,
        index: 1,
        name: 'step-1',
        status: 'failed',
        exitCode: 2,
      }),
    );
    expect(next.jobs[0]?.steps[1]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(run.jobs[0]?.steps[1]?.status).toBe('pending');
  });

  it('a manual job: reached (manual), played (pending), then on; a replayed `manual` never moves it back', () => {
    const jobEvent = (status: JobRun['status']) =>
      message('job', { stage: 'test', name: 'lint', attempt: 1, status, message: null });
    let next = applyRunEvent(run, jobEvent('manual'));
    expect(next.jobs[1]?.status).toBe('manual');
    next = applyRunEvent(next, jobEvent('pending'));
    expect(next.jobs[1]?.status).toBe('pending');
    next = applyRunEvent(next, jobEvent('running'));
    expect(next.jobs[1]?.status).toBe('running');
    expect(applyRunEvent(next, jobEvent('manual'))).toBe(next);
  });

  it('never moves a status back when the stream replays older events', () => {
    const finished = { ...run, status: 'succeeded' as const };
    expect(applyRunEvent(finished, message('run', { status: 'queued' }))).toBe(finished);
    expect(
      applyRunEvent(
        run,
        message('job', { stage: 'test', name: 'unit', attempt: 1, status: 'pending', message: null }),
      ),
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
    const stale = message('step', {
      stage: 'test',
      job: 'unit',
      attempt: 1,
      index: 0,
      name: 'step-0',
      status: 'failed',
      exitCode: 1,
    });
    expect(applyRunEvent(retried, stale)).toBe(retried);
  });

  it('leaves the run alone for unknown jobs and approvals (a refetch brings those)', () => {
    expect(
      applyRunEvent(
        run,
        message('job', { stage: 'x', name: 'y', attempt: 1, status: 'running', message: null }),
      ),
    ).toBe(run);
    expect(applyRunEvent(run, message('approval', { gate: 'g', user: 'u', decision: 'approve' }))).toBe(run);
  });
});

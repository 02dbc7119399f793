import type { PlannedJob } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import { EARLIER, job as jobRow, run } from '../../../../test/run-rows.ts';
import type { JobRunRow, RunWithJobs } from '../runs.repo.ts';
import { hasPlayableJob, reopensForPlayedJob, terminate, transition } from './run-transitions.ts';

// Manual jobs in the engine's pure transition (see manual-jobs.ts for the semantics).

const NOW = new Date('2026-12-01T10:00:00.000Z');
const PLAYED = { playedById: 'u1', playedByName: 'olive', playedAt: EARLIER };

/** A job row in stage `s<stageIndex>` (one step), pending. */
function job(id: string, stageIndex: number, over: Partial<JobRunRow> = {}): JobRunRow {
  return jobRow(id, { stage: `s${stageIndex}`, stageIndex, ...over }, 1);
}

/** A job that ran on the local executor and ended with `status`, its log archived. */
function ended(id: string, stageIndex: number, status: string): JobRunRow {
  const base = job(id, stageIndex, { status, executor: 'local', startedAt: EARLIER, finishedAt: EARLIER });
  base.steps = base.steps.map((s) => ({ ...s, status, logComplete: true, startedAt: EARLIER }));
  return base;
}

function running(id: string, stageIndex: number, over: Partial<JobRunRow> = {}): JobRunRow {
  return job(id, stageIndex, { status: 'running', executor: 'local', startedAt: EARLIER, ...over });
}

/** The plan: jobs named `m…` are manual; `retries` for all. */
function plan(jobs: JobRunRow[], retries = 0): PlannedJob[] {
  return jobs.map((j) => ({
    stage: j.stage,
    stageIndex: j.stageIndex,
    name: j.name,
    kind: j.kind as 'job',
    runs: true,
    timeoutSeconds: undefined,
    retries,
    resources: {},
    credentials: [],
    steps: [],
    approval: undefined,
    manual: j.name.startsWith('m'),
    artifacts: undefined,
    reports: undefined,
    cache: undefined,
  }));
}

let ids = 0;
function decide(r: RunWithJobs, options: { observed?: Record<string, unknown>; retries?: number } = {}) {
  return transition({
    run: r,
    plan: plan(r.jobs, options.retries),
    observed: new Map(Object.entries(options.observed ?? {})) as never,
    target: { executor: 'local', clusterId: null, namespace: 'default' },
    now: NOW,
    newId: () => `new-${++ids}`,
  });
}

const statusOf = (t: ReturnType<typeof decide>, id: string) =>
  t.next.jobs.filter((j) => j.name === id).at(-1)?.status;
const started = (t: ReturnType<typeof decide>) =>
  t.actions.flatMap((a) => (a.type === 'start' ? [a.job.name] : []));

describe('manual jobs: the run reaches them', () => {
  it('a manual job the run reaches turns manual and the next stage starts in the same pass', () => {
    const t = decide(run([job('m1', 0), job('b', 1)], { status: 'queued' }));
    expect(statusOf(t, 'm1')).toBe('manual');
    expect(statusOf(t, 'b')).toBe('running');
    expect(started(t)).toEqual(['b']);
    expect(t.events).toContainEqual({
      type: 'job',
      stage: 's0',
      name: 'm1',
      attempt: 1,
      status: 'manual',
      message: null,
    });
    expect(t.next.status).toBe('running');
  });

  it('a manual job in a later stage is not touched before the run reaches it', () => {
    const t = decide(run([job('a', 0), job('m2', 1)], { status: 'queued' }));
    expect(statusOf(t, 'a')).toBe('running');
    expect(statusOf(t, 'm2')).toBe('pending');
  });

  it('beside a running job of its stage, it waits to be played while the stage runs', () => {
    const t = decide(run([running('a', 0), job('m1', 0), job('c', 1)]), {
      observed: { a: { state: 'running', steps: [] } },
    });
    expect(statusOf(t, 'm1')).toBe('manual');
    expect(statusOf(t, 'c')).toBe('pending');
  });

  it('does not hold the next stage once the other jobs of its stage succeeded', () => {
    const t = decide(run([running('a', 0), job('m1', 0, { status: 'manual' }), job('c', 1)]), {
      observed: { a: { state: 'succeeded', steps: [{ status: 'succeeded', exitCode: 0 }] } },
    });
    expect(statusOf(t, 'a')).toBe('succeeded');
    expect(statusOf(t, 'm1')).toBe('manual');
    expect(started(t)).toEqual(['c']);
  });

  it('an unplayed manual job neither keeps the run open nor fails it: the run succeeds', () => {
    const t = decide(run([ended('a', 0, 'succeeded'), job('m2', 1)]));
    expect(statusOf(t, 'm2')).toBe('manual');
    expect(t.run).toMatchObject({ status: 'succeeded', finishedAt: NOW });
    expect(t.actions.filter((a) => a.type === 'start')).toEqual([]);
  });

  it('an ended run with an unplayed manual job changes nothing', () => {
    const t = decide(
      run([ended('a', 0, 'succeeded'), job('m2', 1, { status: 'manual' })], { status: 'succeeded' }),
    );
    expect(t.run).toBeNull();
    expect(t.jobs).toEqual([]);
    expect(reopensForPlayedJob(t.next)).toBe(false);
  });
});

describe('manual jobs: played', () => {
  it('a played job starts at once, without holding the stage the run is at', () => {
    const t = decide(run([job('m1', 0, { ...PLAYED }), running('c', 1), job('d', 2)]), {
      observed: { c: { state: 'running', steps: [] } },
    });
    expect(started(t)).toEqual(['m1']);
    expect(statusOf(t, 'm1')).toBe('running');
    expect(statusOf(t, 'd')).toBe('pending');
  });

  it('a job played before its stage is reached is not turned manual again', () => {
    const t = decide(run([running('a', 0), job('m2', 1, { ...PLAYED }), job('c', 2)]), {
      observed: { a: { state: 'running', steps: [] } },
    });
    expect(statusOf(t, 'm2')).toBe('running');
  });

  it('played after the run succeeded: the run is running again, the job starts', () => {
    const r = run([ended('a', 0, 'succeeded'), job('m2', 1, { ...PLAYED })], {
      status: 'succeeded',
      finishedAt: EARLIER,
    });
    expect(reopensForPlayedJob(r)).toBe(true);
    const t = decide(r);
    expect(t.run).toMatchObject({ status: 'running', finishedAt: null });
    expect(t.events).toContainEqual({ type: 'run', status: 'running' });
    expect(started(t)).toEqual(['m2']);
  });

  it('the played job succeeding ends the run succeeded again', () => {
    const t = decide(run([ended('a', 0, 'succeeded'), running('m2', 1, { ...PLAYED })]), {
      observed: { m2: { state: 'succeeded', steps: [{ status: 'succeeded', exitCode: 0 }] } },
    });
    expect(t.run).toMatchObject({ status: 'succeeded', finishedAt: NOW });
  });

  it('the played job failing fails the run, naming it', () => {
    const t = decide(run([ended('a', 0, 'succeeded'), running('m2', 1, { ...PLAYED })]), {
      observed: { m2: { state: 'failed', message: 'exit 1', steps: [{ status: 'failed', exitCode: 1 }] } },
    });
    expect(t.run).toMatchObject({ status: 'failed', message: 's1 / m2: exit 1' });
  });

  it('a retry attempt of a played job keeps who played it and starts at once (it is not manual again)', () => {
    const t = decide(run([running('m1', 0, { ...PLAYED })]), {
      retries: 1,
      observed: { m1: { state: 'failed', message: 'exit 1', steps: [{ status: 'failed', exitCode: 1 }] } },
    });
    expect(t.newJobs[0]).toMatchObject({ attempt: 2, status: 'running', ...PLAYED });
    expect(started(t)).toEqual(['m1']);
  });
});

describe('manual jobs: the run ends otherwise', () => {
  it('cancelling a run cancels its manual jobs, as its pending ones', () => {
    const t = decide(
      run([job('m1', 0, { status: 'manual' }), running('b', 1), job('c', 2)], { cancelRequested: true }),
    );
    expect(statusOf(t, 'm1')).toBe('cancelled');
    expect(statusOf(t, 'c')).toBe('cancelled');
    expect(t.next.status).toBe('cancelled');
  });

  it('a failure skips the manual jobs with the pending ones: none is left to play', () => {
    const t = decide(run([job('m1', 0, { status: 'manual' }), running('b', 1), job('c', 2)]), {
      observed: { b: { state: 'failed', message: 'exit 2', steps: [{ status: 'failed', exitCode: 2 }] } },
    });
    expect(statusOf(t, 'm1')).toBe('skipped');
    expect(statusOf(t, 'c')).toBe('skipped');
    expect(t.next.status).toBe('failed');
    expect(hasPlayableJob(t.next)).toBe(false);
  });

  it('a run that cannot go on skips its manual jobs', () => {
    const t = terminate(run([job('m1', 0, { status: 'manual' }), running('b', 1)]), 'project deleted', NOW);
    expect(statusOf(t, 'm1')).toBe('skipped');
  });

  it('keeps the secret values of an ended run while a manual job may still be played', () => {
    const playable = run([ended('a', 0, 'succeeded'), job('m2', 1, { status: 'manual' })], {
      status: 'succeeded',
      secretValues: 'x',
    });
    expect(decide(playable).run).toBeNull();
    const done = run([ended('a', 0, 'succeeded'), job('m2', 1, { status: 'skipped' })], {
      status: 'succeeded',
      secretValues: 'x',
    });
    expect(decide(done).run).toEqual({ secretValues: null });
  });
});

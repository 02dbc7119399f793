import type { PlannedJob } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import { EARLIER, job, run, step } from '../../../../test/run-rows.ts';
import type { JobRunRow, RunWithJobs } from '../runs.repo.ts';
import type { JobObservation } from './executor.ts';
import { type Observed, type Transition, terminate, transition } from './run-transitions.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const TARGET = { executor: 'kubernetes' as const, clusterId: 'c1', namespace: 'ns' };

/** A job as the engine left it running on the cluster (started 10 s ago). */
function running(id: string, over: Partial<JobRunRow> = {}): JobRunRow {
  return job(id, {
    status: 'running',
    executor: 'kubernetes',
    externalName: `x-${id}`,
    clusterId: 'c1',
    namespace: 'ns',
    startedAt: EARLIER,
    ...over,
  });
}

function planned(j: JobRunRow, over: Partial<PlannedJob> = {}): PlannedJob {
  return {
    stage: j.stage,
    stageIndex: j.stageIndex,
    name: j.name,
    kind: j.kind as 'job' | 'approval',
    runs: true,
    timeoutSeconds: undefined,
    retries: 0,
    resources: {},
    credentials: [],
    steps: [],
    approval: j.kind === 'approval' ? ({ count: 1 } as PlannedJob['approval']) : undefined,
    manual: false,
    artifacts: undefined,
    reports: undefined,
    cache: undefined,
    ...over,
  };
}

function observation(state: JobObservation['state'], steps: JobObservation['steps'] = []): JobObservation {
  return { state, steps, ...(state === 'failed' ? { message: 'a step exited with code 1' } : {}) };
}

let ids = 0;
function decide(
  r: RunWithJobs,
  options: { observed?: Record<string, Observed>; plan?: PlannedJob[]; pollMs?: number } = {},
): Transition {
  return transition({
    run: r,
    plan: options.plan ?? r.jobs.map((j) => planned(j)),
    observed: new Map(Object.entries(options.observed ?? {})),
    target: TARGET,
    now: NOW,
    newId: () => `new-${++ids}`,
    pollMs: options.pollMs,
  });
}

const statusOf = (t: Transition, id: string) => t.next.jobs.find((j) => j.id === id)?.status;
const actionsOf = (t: Transition) => t.actions.map((a) => ('job' in a ? `${a.type}:${a.job.id}` : a.type));

describe('run transitions: run status × job status', () => {
  // [run status, the one job's status (kind), what the executor saw] → [run, job, actions]
  const table: Array<
    [string, string, 'job' | 'approval', JobObservation['state'] | null, string, string, string[]]
  > = [
    ['queued', 'pending', 'job', null, 'running', 'running', ['start:a']],
    ['running', 'pending', 'job', null, 'running', 'running', ['start:a']],
    ['waiting', 'pending', 'job', null, 'running', 'running', ['start:a']],
    ['queued', 'pending', 'approval', null, 'waiting', 'waiting', []],
    ['running', 'pending', 'approval', null, 'waiting', 'waiting', []],
    ['running', 'running', 'job', 'running', 'running', 'running', []],
    ['waiting', 'running', 'job', 'running', 'running', 'running', []],
    ['running', 'running', 'job', 'missing', 'running', 'running', ['start:a']],
    ['running', 'running', 'job', 'succeeded', 'succeeded', 'succeeded', []],
    ['running', 'running', 'job', 'failed', 'failed', 'failed', []],
    ['running', 'waiting', 'approval', null, 'waiting', 'waiting', []],
    ['waiting', 'waiting', 'approval', null, 'waiting', 'waiting', []],
    ['running', 'succeeded', 'job', null, 'succeeded', 'succeeded', []],
    ['waiting', 'succeeded', 'approval', null, 'succeeded', 'succeeded', []],
    ['running', 'failed', 'job', null, 'failed', 'failed', []],
    ['running', 'cancelled', 'job', null, 'succeeded', 'cancelled', []],
    ['waiting', 'rejected', 'approval', null, 'rejected', 'rejected', []],
    ['running', 'skipped', 'job', null, 'succeeded', 'skipped', []],
    ['queued', 'skipped', 'job', null, 'succeeded', 'skipped', []],
  ];
  for (const [runStatus, jobStatus, kind, seen, runAfter, jobAfter, actions] of table) {
    it(`${runStatus} run, ${kind} ${jobStatus}${seen ? ` (seen ${seen})` : ''} → run ${runAfter}, job ${jobAfter}`, () => {
      const a = jobStatus === 'running' ? running('a') : job('a', { status: jobStatus, kind });
      const t = decide(run([a], { status: runStatus }), {
        observed: seen ? { a: observation(seen) } : {},
      });
      expect(t.next.status).toBe(runAfter);
      expect(statusOf(t, 'a')).toBe(jobAfter);
      // (A job ended with no step started has nothing to archive: it may be released at once.)
      expect(actionsOf(t).filter((x) => x !== 'stepEnded' && !x.startsWith('release'))).toEqual(actions);
      if (runStatus === 'queued') expect(t.run?.startedAt).toEqual(NOW);
      if (['succeeded', 'failed', 'rejected'].includes(runAfter)) expect(t.run?.finishedAt).toEqual(NOW);
      // Every status change is an event.
      if (runAfter !== runStatus) expect(t.events).toContainEqual({ type: 'run', status: runAfter });
    });
  }

  for (const runStatus of ['succeeded', 'failed', 'cancelled', 'rejected']) {
    for (const jobStatus of ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped']) {
      it(`an ended (${runStatus}) run with a ${jobStatus} job changes nothing`, () => {
        const t = decide(run([job('a', { status: jobStatus })], { status: runStatus }));
        expect(t.run).toBeNull();
        expect(t.jobs).toEqual([]);
        expect(t.actions).toEqual([]);
      });
    }
  }

  it('stores a newly started job as running with its executor, name, cluster and namespace', () => {
    const t = decide(run([job('a')], { status: 'queued' }));
    expect(t.jobs).toEqual([
      {
        id: 'a',
        change: {
          status: 'running',
          executor: 'kubernetes',
          externalName: expect.stringMatching(/^slw-run-s-a-a1$/),
          clusterId: 'c1',
          namespace: 'ns',
          startedAt: NOW,
        },
      },
    ]);
  });
});

describe('run transitions: deploy jobs', () => {
  it('dispatches a deploy job to the deploy executor, in the environment', () => {
    const t = decide(run([job('d', { kind: 'deploy' }, 1)], { status: 'queued' }));
    expect(t.jobs[0]?.change).toMatchObject({
      status: 'running',
      executor: 'deploy',
      clusterId: 'c1',
      namespace: 'ns',
    });
    expect(actionsOf(t)).toEqual(['start:d']);
  });

  it('observes a running deploy job like a job: its release succeeding ends it and the run', () => {
    const d = running('d', {
      kind: 'deploy',
      executor: 'deploy',
      steps: [step('d', 0, { status: 'running', startedAt: EARLIER })],
    });
    const t = decide(run([d]), {
      observed: { d: observation('succeeded', [{ status: 'succeeded', exitCode: 0, result: '3' }]) },
    });
    expect(statusOf(t, 'd')).toBe('succeeded');
    expect(t.next.jobs[0]?.steps[0]).toMatchObject({ status: 'succeeded', result: '3' });
    expect(t.next.status).toBe('succeeded');
  });

  it('fails the run with the release failure of its deploy job', () => {
    const d = running('d', {
      kind: 'deploy',
      executor: 'deploy',
      steps: [step('d', 0, { status: 'running', startedAt: EARLIER })],
    });
    const t = decide(run([d]), {
      observed: {
        d: {
          state: 'failed',
          message: 'release 2 failed: Deployment/web: progress deadline',
          steps: [{ status: 'failed', exitCode: 1 }],
        },
      },
    });
    expect(t.next.status).toBe('failed');
    expect(t.next.message).toBe('s / d: release 2 failed: Deployment/web: progress deadline');
  });
});

describe('run transitions: cancel', () => {
  for (const [status, stops] of [
    ['pending', false],
    ['running', true],
    ['waiting', false],
  ] as const) {
    it(`cancels a ${status} job${stops ? ' and stops it' : ''}`, () => {
      const a = status === 'running' ? running('a') : job('a', { status });
      const t = decide(run([a], { cancelRequested: true }));
      expect(statusOf(t, 'a')).toBe('cancelled');
      expect(t.next.status).toBe('cancelled');
      expect(actionsOf(t).includes('stop:a')).toBe(stops);
    });
  }

  it('leaves finished jobs as they are, ends started steps as cancelled and never-started ones too', () => {
    const a = job('a', { status: 'succeeded' });
    const b = running('b', {
      steps: [
        step('b', 0, { status: 'succeeded', startedAt: EARLIER }),
        step('b', 1, { status: 'running', startedAt: EARLIER }),
      ],
    });
    const t = decide(run([a, b], { cancelRequested: true }));
    expect(statusOf(t, 'a')).toBe('succeeded');
    expect(t.next.jobs[1]?.steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled']);
    expect(t.actions).toContainEqual({ type: 'stepEnded', stepId: 'b-s1' });
  });
});

describe('run transitions: gates', () => {
  const gate = (decisions: Array<{ decision: string; userName: string; comment?: string }>) =>
    job('g', {
      kind: 'approval',
      status: 'waiting',
      decisions: decisions.map((d, i) => ({
        id: `d${i}`,
        jobRunId: 'g',
        userId: `u${i}`,
        userName: d.userName,
        decision: d.decision,
        comment: d.comment ?? null,
        createdAt: EARLIER,
      })),
    });

  it('an approval reaching the count passes the gate', () => {
    const t = decide(run([gate([{ decision: 'approve', userName: 'ann' }])], { status: 'waiting' }));
    expect(statusOf(t, 'g')).toBe('succeeded');
    expect(t.next.jobs[0]?.message).toBe('approved by ann');
    expect(t.next.status).toBe('succeeded');
  });

  it('fewer approvals than the count keep it waiting', () => {
    const g = gate([{ decision: 'approve', userName: 'ann' }]);
    const t = decide(run([g], { status: 'waiting' }), {
      plan: [planned(g, { approval: { count: 2 } as PlannedJob['approval'] })],
    });
    expect(statusOf(t, 'g')).toBe('waiting');
    expect(t.run).toBeNull();
  });

  it('a rejection ends the run as rejected, saying by whom and why', () => {
    const t = decide(
      run(
        [
          gate([{ decision: 'reject', userName: 'bob', comment: 'not today' }]),
          job('later', { stageIndex: 1 }),
        ],
        {
          status: 'waiting',
        },
      ),
    );
    expect(statusOf(t, 'g')).toBe('rejected');
    expect(statusOf(t, 'later')).toBe('skipped');
    expect(t.next.status).toBe('rejected');
    expect(t.next.message).toBe('s / g: rejected by bob: not today');
  });
});

describe('run transitions: retries, timeouts, stages, checkout', () => {
  it('a failed job with retries left gets a new attempt, started at once', () => {
    const a = running('a');
    const t = decide(run([a]), {
      observed: { a: observation('failed') },
      plan: [planned(a, { retries: 1 })],
    });
    expect(statusOf(t, 'a')).toBe('failed');
    expect(t.newJobs).toHaveLength(1);
    expect(t.newJobs[0]).toMatchObject({
      attempt: 2,
      status: 'running',
      message: 'retry 1 of 1',
      executor: 'kubernetes',
    });
    expect(t.newJobs[0]?.steps.map((s) => s.status)).toEqual(['pending', 'pending']);
    expect(t.next.status).toBe('running');
    expect(actionsOf(t)).toContain(`start:${t.newJobs[0]?.id}`);
  });

  it('the last attempt failing fails the run', () => {
    const a = running('a', { attempt: 2 });
    const t = decide(run([job('a', { status: 'failed' }), a]), {
      observed: { a: observation('failed') },
      plan: [planned(a, { retries: 1 })],
    });
    expect(t.newJobs).toEqual([]);
    expect(t.next.status).toBe('failed');
    expect(t.next.message).toBe('s / a: a step exited with code 1');
  });

  it('a job past its timeout is stopped and fails, its steps ended', () => {
    const a = running('a', {
      steps: [step('a', 0, { status: 'running', startedAt: EARLIER }), step('a', 1)],
    });
    const t = decide(run([a]), {
      observed: {
        a: observation('running', [{ status: 'running', startedAt: EARLIER }, { status: 'pending' }]),
      },
      plan: [planned(a, { timeoutSeconds: 5 })],
    });
    expect(actionsOf(t)).toContain('stop:a');
    expect(statusOf(t, 'a')).toBe('failed');
    expect(t.next.jobs[0]?.message).toBe('timed out after 5s');
    expect(t.next.jobs[0]?.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
    expect(t.next.status).toBe('failed');
  });

  it('a job within its timeout asks to be looked at again when it runs out', () => {
    const a = running('a');
    const t = decide(run([a]), {
      observed: { a: observation('running') },
      plan: [planned(a, { timeoutSeconds: 60 })],
    });
    expect(t.requeueAfterMs).toBe(50_001);
    expect(t.run).toBeNull();
    expect(t.events).toEqual([]);
  });

  it('polls a running job when asked to (an executor without a watch)', () => {
    const t = decide(run([running('a')]), { observed: { a: observation('running') }, pollMs: 1000 });
    expect(t.requeueAfterMs).toBe(1000);
  });

  it('starts only the lowest open stage, and the next one in the same pass once it is done', () => {
    const a = running('a');
    const b = job('b', { stage: 't', stageIndex: 1 });
    expect(actionsOf(decide(run([a, b]), { observed: { a: observation('running') } }))).toEqual([]);
    const t = decide(run([a, b]), { observed: { a: observation('succeeded') } });
    expect(statusOf(t, 'a')).toBe('succeeded');
    expect(statusOf(t, 'b')).toBe('running');
    expect(actionsOf(t)).toEqual(['start:b']);
  });

  it('a failure skips the pending jobs and ends the run once the others have stopped', () => {
    const a = running('a');
    const b = running('b');
    const c = job('c', { stage: 't', stageIndex: 1 });
    const t = decide(run([a, b, c]), { observed: { a: observation('failed'), b: observation('running') } });
    expect(statusOf(t, 'c')).toBe('skipped');
    expect(t.next.status).toBe('running');
    const after = decide(t.next, { observed: { b: observation('succeeded') } });
    expect(after.next.status).toBe('failed');
  });

  it('records the commit the first checkout found, and each step change as a step event', () => {
    const sha = 'a'.repeat(40);
    const a = running('a');
    const t = decide(run([a]), {
      observed: {
        a: observation('running', [
          { status: 'succeeded', exitCode: 0, result: sha, startedAt: EARLIER, finishedAt: NOW },
          { status: 'running', startedAt: NOW },
        ]),
      },
    });
    expect(t.run).toEqual({ commitSha: sha });
    expect(t.steps.map((s) => [s.id, s.change.status])).toEqual([
      ['a-s0', 'succeeded'],
      ['a-s1', 'running'],
    ]);
    expect(t.events.filter((e) => e.type === 'step')).toHaveLength(2);
    expect(t.actions).toEqual([{ type: 'stepEnded', stepId: 'a-s0' }]);
    // Nothing new seen: nothing to store.
    const again = decide(t.next, {
      observed: {
        a: observation('running', [{ status: 'succeeded', exitCode: 0, result: sha }, { status: 'running' }]),
      },
    });
    expect([again.run, again.jobs, again.steps, again.events]).toEqual([null, [], [], []]);
  });

  it('a job whose cluster is gone fails with that message and is not retried', () => {
    const a = running('a', {
      steps: [step('a', 0, { status: 'running', startedAt: EARLIER }), step('a', 1)],
    });
    const t = decide(run([a]), {
      observed: { a: { state: 'gone', message: 'the cluster was deleted' } },
      plan: [planned(a, { retries: 3 })],
    });
    expect(statusOf(t, 'a')).toBe('failed');
    expect(t.newJobs).toEqual([]);
    expect(t.next.message).toBe('s / a: the cluster was deleted');
    expect(t.next.jobs[0]?.steps.map((s) => [s.logComplete, s.logError])).toEqual([
      [true, 'the cluster was deleted'],
      [true, null],
    ]);
  });
});

describe('run transitions: settling and terminal errors', () => {
  it('releases a finished job once all its logs are archived, not before', () => {
    const done = (logComplete: boolean) =>
      job('a', {
        status: 'succeeded',
        executor: 'local',
        steps: [
          step('a', 0, { status: 'succeeded', logComplete: true }),
          step('a', 1, { status: 'succeeded', logComplete }),
        ],
      });
    expect(actionsOf(decide(run([done(false)], { status: 'succeeded' })))).toEqual([]);
    expect(actionsOf(decide(run([done(true)], { status: 'succeeded' })))).toEqual(['release:a']);
  });

  it('drops the secret values of an ended run once its logs are archived', () => {
    const a = job('a', {
      status: 'succeeded',
      executor: 'local',
      steps: [step('a', 0, { status: 'succeeded', logComplete: true })],
    });
    expect(decide(run([a], { status: 'succeeded', secretValues: 'x' })).run).toEqual({ secretValues: null });
    const open = job('a', {
      status: 'succeeded',
      executor: 'local',
      steps: [step('a', 0, { status: 'succeeded' })],
    });
    expect(decide(run([open], { status: 'succeeded', secretValues: 'x' })).run).toBeNull();
  });

  it('a run that cannot go on fails once with the reason: running jobs stop and fail, the rest are skipped', () => {
    const t = terminate(
      run([running('a'), job('b', { stage: 't', stageIndex: 1 })]),
      'its project was deleted',
      NOW,
    );
    expect(t.run).toMatchObject({ status: 'failed', message: 'its project was deleted', finishedAt: NOW });
    expect(statusOf(t, 'a')).toBe('failed');
    expect(statusOf(t, 'b')).toBe('skipped');
    expect(actionsOf(t)[0]).toBe('stop:a');
    expect(actionsOf(t)).not.toContain('start:b');
  });

  it('a job that could not be dispatched is what failed, with the reason; the others are skipped', () => {
    const b = job('b');
    const c = job('c', { stage: 't', stageIndex: 1 });
    const t = terminate(run([b, c]), 'set SLIPWAY_JOB_API_URL', NOW, new Set([b.id]));
    expect(statusOf(t, 'b')).toBe('failed');
    expect(t.next.jobs.find((j) => j.id === b.id)).toMatchObject({
      message: 'set SLIPWAY_JOB_API_URL',
      finishedAt: NOW,
    });
    expect(statusOf(t, 'c')).toBe('skipped');
    expect(t.next.jobs.find((j) => j.id === c.id)?.message).toBeNull();
  });
});

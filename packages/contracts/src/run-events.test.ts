import { describe, expect, it } from 'vitest';
import { RUN_EVENT_TYPES, type RunEvent, RunEventSchema, storedRunEvent } from './run-events.ts';

/**
 * Every shape the API ever wrote into `run_events` (`type` column, `data` JSONB) and sent
 * as a `log` frame, by the commit that introduced it. Rows like these stay in databases
 * across upgrades, so each must parse with today's schema.
 */
const written: Array<{ since: string; type: string; data: unknown }> = [
  // 5c04b4b (pipeline runs): setRun, and the service on create.
  { since: '5c04b4b run', type: 'run', data: { status: 'queued' } },
  { since: '5c04b4b run', type: 'run', data: { status: 'succeeded' } },
  // 35fa477: a rejected gate ends the run as `rejected`.
  { since: '35fa477 run', type: 'run', data: { status: 'rejected' } },
  // 5c04b4b: setJob, and the reconciler's new attempt after a failure.
  {
    since: '5c04b4b job',
    type: 'job',
    data: { stage: 'build', name: 'compile', attempt: 1, status: 'running', message: null },
  },
  {
    since: '5c04b4b job retry',
    type: 'job',
    data: { stage: 'build', name: 'compile', attempt: 2, status: 'pending', message: 'retry 1 of 2' },
  },
  {
    since: '35fa477 gate',
    type: 'job',
    data: { stage: 'ship', name: 'approve', attempt: 1, status: 'rejected', message: 'rejected by omar: no' },
  },
  // 5c04b4b: setStep, without logError.
  {
    since: '5c04b4b step',
    type: 'step',
    data: {
      stage: 'build',
      job: 'compile',
      attempt: 1,
      index: 0,
      name: 'make',
      status: 'failed',
      exitCode: 2,
    },
  },
  {
    since: '5c04b4b step',
    type: 'step',
    data: {
      stage: 'build',
      job: 'compile',
      attempt: 1,
      index: 1,
      name: 'pack',
      status: 'skipped',
      exitCode: null,
    },
  },
  // f5f6362: stepEvent(), with logError when archiving the log stopped.
  {
    since: 'f5f6362 step',
    type: 'step',
    data: {
      stage: 'build',
      job: 'compile',
      attempt: 1,
      index: 0,
      name: 'make',
      status: 'running',
      exitCode: null,
      logError: 'value too long for type',
    },
  },
  // 5c04b4b: the service when someone decides on a gate.
  { since: '5c04b4b approval', type: 'approval', data: { gate: 'prod', user: 'ana', decision: 'approve' } },
  { since: '5c04b4b approval', type: 'approval', data: { gate: 'prod', user: 'bo', decision: 'reject' } },
  // 5c04b4b: the stream's log frame, built from a log chunk (never stored).
  {
    since: '5c04b4b log',
    type: 'log',
    data: { stage: 'build', job: 'compile', attempt: 1, step: 0, firstLine: 40, lines: ['a', '', 'c\\x00'] },
  },
];

describe('RunEventSchema', () => {
  it.each(written)('parses what was written since $since', ({ type, data }) => {
    const parsed = RunEventSchema.safeParse(storedRunEvent(type, data));
    expect(parsed.error).toBeUndefined();
    expect(parsed.data).toEqual({ ...(data as object), type });
  });

  it('covers every type of the union', () => {
    expect(new Set(written.map((w) => w.type))).toEqual(new Set(RUN_EVENT_TYPES));
    expect(RunEventSchema.options.map((o) => o.shape.type.value)).toEqual([...RUN_EVENT_TYPES]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown type', { type: 'deploy', status: 'queued' }, 'type'],
    ['no type', { status: 'queued' }, 'type'],
    ['an unknown run status', { type: 'run', status: 'exploded' }, 'status'],
    [
      'a job without its stage',
      { type: 'job', name: 'x', attempt: 1, status: 'running', message: null },
      'stage',
    ],
    [
      'attempt 0',
      { type: 'job', stage: 's', name: 'x', attempt: 0, status: 'running', message: null },
      'attempt',
    ],
    [
      'a step without its index',
      { type: 'step', stage: 's', job: 'j', attempt: 1, name: 'n', status: 'running', exitCode: null },
      'index',
    ],
    [
      'an approval with another decision',
      { type: 'approval', gate: 'g', user: 'u', decision: 'maybe' },
      'decision',
    ],
    [
      'log lines that are not text',
      { type: 'log', stage: 's', job: 'j', attempt: 1, step: 0, firstLine: 0, lines: [1] },
      'lines',
    ],
  ])('rejects %s, naming the field', (_what, value, field) => {
    const parsed = RunEventSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path[0]).toBe(field);
  });

  it('keeps the stored type over a type inside the data, and reads non-object data as empty', () => {
    expect(storedRunEvent('run', { type: 'job', status: 'queued' })).toEqual({
      type: 'run',
      status: 'queued',
    });
    expect(storedRunEvent('approval', null)).toEqual({ type: 'approval' });
    expect(storedRunEvent('run', ['x'])).toEqual({ type: 'run' });
  });

  it('types each writer’s object by its type', () => {
    const event: RunEvent = { type: 'run', status: 'running' };
    // @ts-expect-error a run event has no stage
    const wrong: RunEvent = { type: 'run', status: 'running', stage: 'x' };
    expect([event, wrong].every((e) => RunEventSchema.safeParse(e).success)).toBe(true);
  });
});

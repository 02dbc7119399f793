import { describe, expect, it } from 'vitest';
import { nextFireTimes, tickAfterFiring, timingProblem } from './cron.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule timing', () => {
  it('reads the cron in the time zone, across a DST change', () => {
    // Europe/Berlin leaves summer time on 2026-10-25 (03:00 CEST → 02:00 CET).
    const times = nextFireTimes('0 9 * * *', 'Europe/Berlin', new Date('2026-10-23T12:00:00Z'), 3);
    expect(iso(times)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('fires a wall-clock time skipped by spring-forward once, not never', () => {
    // America/New_York skips 02:00–03:00 on 2026-03-08.
    const times = nextFireTimes('30 2 * * *', 'America/New_York', new Date('2026-03-07T12:00:00Z'), 3);
    expect(times).toHaveLength(3);
    expect(new Set(iso(times)).size).toBe(3);
    expect(times[0]?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes seconds as a sixth field', () => {
    const times = nextFireTimes('*/10 * * * * *', 'UTC', new Date('2026-01-01T00:00:03Z'), 2);
    expect(iso(times)).toEqual(['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z']);
  });

  it('collapses ticks missed while down into one: the next tick is after now', () => {
    const due = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T05:17:00Z');
    expect(tickAfterFiring('0 * * * *', 'UTC', due, now)?.toISOString()).toBe('2026-01-01T06:00:00.000Z');
    // On time, it moves to the tick after the due one.
    expect(tickAfterFiring('0 * * * *', 'UTC', due, due)?.toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('names the field and the library’s reason for bad input', () => {
    expect(timingProblem('0 9 * * *', 'Mars/Olympus')).toMatchObject({ field: 'body.timezone' });
    const bad = timingProblem('61 * * * *', 'UTC');
    expect(bad?.field).toBe('body.cron');
    expect(bad?.message).toMatch(/invalid cron expression: .+/);
    expect(timingProblem('0 9 * * 1-5', 'Europe/Berlin')).toBeNull();
  });
});

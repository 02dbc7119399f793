import type { FreezeWindow } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { activeFreeze, describeFreezeWindow, freezeWindowProblems } from './freeze-windows.ts';

/** The seed stories' weekend freeze: Friday evening to Monday morning, Berlin time. */
const WEEKEND: FreezeWindow = {
  kind: 'weekly',
  from: { day: 'fri', time: '18:00' },
  to: { day: 'mon', time: '08:00' },
  timeZone: 'Europe/Berlin',
};
const CHRISTMAS: FreezeWindow = {
  kind: 'once',
  name: 'Christmas',
  from: '2026-12-24T00:00',
  to: '2026-12-27T00:00',
  timeZone: 'Europe/Berlin',
};

const at = (iso: string) => new Date(iso);
const until = (windows: FreezeWindow[], iso: string) => activeFreeze(windows, at(iso))?.until.toISOString();

describe('activeFreeze: weekly windows wrap the week and follow daylight saving', () => {
  it('holds from Friday 18:00 to Monday 08:00 Berlin time in winter (CET, UTC+1)', () => {
    expect(activeFreeze([WEEKEND], at('2026-12-04T16:59:59Z'))).toBeNull();
    expect(until([WEEKEND], '2026-12-04T17:00:00Z')).toBe('2026-12-07T07:00:00.000Z');
    expect(until([WEEKEND], '2026-12-06T12:00:00Z')).toBe('2026-12-07T07:00:00.000Z');
    expect(until([WEEKEND], '2026-12-07T06:59:59Z')).toBe('2026-12-07T07:00:00.000Z');
    // The end is exclusive: Monday 08:00 deploys go.
    expect(activeFreeze([WEEKEND], at('2026-12-07T07:00:00Z'))).toBeNull();
    expect(activeFreeze([WEEKEND], at('2026-12-09T12:00:00Z'))).toBeNull();
  });

  it('holds from Friday 18:00 to Monday 08:00 Berlin time in summer (CEST, UTC+2)', () => {
    expect(activeFreeze([WEEKEND], at('2026-07-03T15:59:00Z'))).toBeNull();
    expect(until([WEEKEND], '2026-07-03T16:00:00Z')).toBe('2026-07-06T06:00:00.000Z');
    expect(activeFreeze([WEEKEND], at('2026-07-06T06:00:00Z'))).toBeNull();
  });

  it('spans the weekends the clocks change on: starts in one offset, ends in the other', () => {
    // 29 March 2026: CET → CEST. Friday 18:00 is 17:00Z; Monday 08:00 is 06:00Z.
    expect(activeFreeze([WEEKEND], at('2026-03-27T16:59:00Z'))).toBeNull();
    expect(until([WEEKEND], '2026-03-27T17:00:00Z')).toBe('2026-03-30T06:00:00.000Z');
    expect(until([WEEKEND], '2026-03-29T01:30:00Z')).toBe('2026-03-30T06:00:00.000Z');
    expect(activeFreeze([WEEKEND], at('2026-03-30T06:00:00Z'))).toBeNull();
    // 25 October 2026: CEST → CET. Friday 18:00 is 16:00Z; Monday 08:00 is 07:00Z.
    expect(until([WEEKEND], '2026-10-23T16:00:00Z')).toBe('2026-10-26T07:00:00.000Z');
    expect(until([WEEKEND], '2026-10-26T06:30:00Z')).toBe('2026-10-26T07:00:00.000Z');
    expect(activeFreeze([WEEKEND], at('2026-10-26T07:00:00Z'))).toBeNull();
  });

  it('reads the times in the window’s own zone', () => {
    const newYork: FreezeWindow = { ...WEEKEND, timeZone: 'America/New_York' };
    // Friday 18:00 in New York (EST, UTC−5) is Friday 23:00Z; Berlin's window has long begun.
    expect(activeFreeze([newYork], at('2026-12-04T22:59:00Z'))).toBeNull();
    expect(until([newYork], '2026-12-04T23:00:00Z')).toBe('2026-12-07T13:00:00.000Z');
  });

  it('holds a window within one day (Wednesday 12:00 – 14:00 UTC) only then', () => {
    const lunch: FreezeWindow = {
      kind: 'weekly',
      from: { day: 'wed', time: '12:00' },
      to: { day: 'wed', time: '14:00' },
      timeZone: 'UTC',
    };
    expect(activeFreeze([lunch], at('2026-12-02T11:59:00Z'))).toBeNull();
    expect(until([lunch], '2026-12-02T12:00:00Z')).toBe('2026-12-02T14:00:00.000Z');
    expect(activeFreeze([lunch], at('2026-12-02T14:00:00Z'))).toBeNull();
    expect(activeFreeze([lunch], at('2026-12-03T13:00:00Z'))).toBeNull();
  });
});

describe('activeFreeze: one-off windows and chains', () => {
  it('holds a one-off window from its start (inclusive) to its end (exclusive), in its zone', () => {
    expect(activeFreeze([CHRISTMAS], at('2026-12-23T22:59:00Z'))).toBeNull();
    expect(activeFreeze([CHRISTMAS], at('2026-12-23T23:00:00Z'))).toEqual({
      window: CHRISTMAS,
      until: at('2026-12-26T23:00:00Z'),
    });
    expect(activeFreeze([CHRISTMAS], at('2026-12-26T23:00:00Z'))).toBeNull();
  });

  it('chains back-to-back and overlapping windows: deploys go only when none holds', () => {
    // Christmas ends Sunday 27 December 00:00, inside the weekend window (Fri 25 18:00 –
    // Mon 28 08:00): the freeze lasts until Monday 08:00.
    expect(until([CHRISTMAS, WEEKEND], '2026-12-24T10:00:00Z')).toBe('2026-12-28T07:00:00.000Z');
    // A one-off Monday morning right after the weekend extends it again.
    const monday: FreezeWindow = {
      kind: 'once',
      from: '2026-12-28T08:00',
      to: '2026-12-28T12:00',
      timeZone: 'Europe/Berlin',
    };
    expect(until([CHRISTMAS, WEEKEND, monday], '2026-12-24T10:00:00Z')).toBe('2026-12-28T11:00:00.000Z');
    // The first window in force is the one named.
    expect(activeFreeze([WEEKEND, CHRISTMAS], at('2026-12-24T10:00:00Z'))?.window).toBe(CHRISTMAS);
  });

  it('is never frozen without windows', () => {
    expect(activeFreeze([], at('2026-12-24T10:00:00Z'))).toBeNull();
  });
});

describe('describeFreezeWindow and freezeWindowProblems', () => {
  it('describes weekly and one-off windows as people write them', () => {
    expect(describeFreezeWindow(WEEKEND)).toBe('Fri 18:00 – Mon 08:00 Europe/Berlin');
    expect(describeFreezeWindow(CHRISTMAS)).toBe(
      'Christmas: 2026-12-24T00:00 – 2026-12-27T00:00 Europe/Berlin',
    );
  });

  it('names the field of a one-off window that ends before it starts', () => {
    expect(freezeWindowProblems([WEEKEND, { ...CHRISTMAS, to: '2026-12-23T00:00' }])).toEqual([
      { field: 'body.freezeWindows[1].to', message: 'must be after from' },
    ]);
  });
});

import type { FreezeWindow } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { environmentHold, type HoldingEnvironment, releaseHold } from './release-hold.ts';

const WEEKEND: FreezeWindow = {
  kind: 'weekly',
  from: { day: 'fri', time: '18:00' },
  to: { day: 'mon', time: '08:00' },
  timeZone: 'Europe/Berlin',
};
/** Saturday 5 December 2026, inside the weekend freeze (which ends Monday 07:00Z). */
const SATURDAY = new Date('2026-12-05T12:00:00Z');
const TUESDAY = new Date('2026-12-08T12:00:00Z');
const FREEZE = 'freeze window Fri 18:00 – Mon 08:00 Europe/Berlin until 2026-12-07T07:00:00.000Z';
const LOCK = 'environment "prod" is locked';

const env = (over: Partial<HoldingEnvironment> = {}): HoldingEnvironment => ({
  name: 'prod',
  locked: false,
  freezeWindows: [WEEKEND],
  ...over,
});
const run = { trigger: 'run', freezeBreak: null };
const broken = { trigger: 'run', freezeBreak: { by: 'admin', reason: 'hotfix', at: SATURDAY.toISOString() } };
const autoRollback = { trigger: 'auto-rollback', freezeBreak: null };

describe('releaseHold: what keeps a queued release waiting', () => {
  it('lets a release go when the environment is neither locked nor frozen', () => {
    expect(releaseHold({ environment: env(), release: run, now: TUESDAY })).toBeNull();
  });

  it('holds every release while the environment is locked, naming the environment', () => {
    expect(releaseHold({ environment: env({ locked: true }), release: run, now: TUESDAY })).toEqual({
      reason: LOCK,
    });
  });

  it('holds a release during a freeze window until the window (chain) ends', () => {
    expect(releaseHold({ environment: env(), release: run, now: SATURDAY })).toEqual({
      reason: FREEZE,
      until: new Date('2026-12-07T07:00:00Z'),
    });
  });

  it('names the lock before the freeze when both hold', () => {
    expect(releaseHold({ environment: env({ locked: true }), release: run, now: SATURDAY })?.reason).toBe(
      LOCK,
    );
  });

  it('lets a release whose freeze was broken pass the freeze window, not the lock', () => {
    expect(releaseHold({ environment: env(), release: broken, now: SATURDAY })).toBeNull();
    expect(releaseHold({ environment: env({ locked: true }), release: broken, now: SATURDAY })).toEqual({
      reason: LOCK,
    });
  });

  it('never holds an automatic rollback: it passes the lock and the freeze', () => {
    expect(
      releaseHold({ environment: env({ locked: true }), release: autoRollback, now: SATURDAY }),
    ).toBeNull();
  });
});

describe('environmentHold: why the whole queue stands still', () => {
  it('is the lock, else the freeze in force, else nothing', () => {
    expect(environmentHold(env({ locked: true }), SATURDAY)?.reason).toBe(LOCK);
    expect(environmentHold(env(), SATURDAY)?.reason).toBe(FREEZE);
    expect(environmentHold(env(), TUESDAY)).toBeNull();
  });
});

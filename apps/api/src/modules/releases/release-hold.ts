import type { FreezeWindow, ReleaseTrigger } from '@slipway/contracts';
import { activeFreeze, describeFreezeWindow } from '../environments/freeze-windows.ts';

/** The environment's columns that hold its deploy queue. */
export interface HoldingEnvironment {
  name: string;
  locked: boolean;
  freezeWindows: readonly FreezeWindow[];
}

/** Why a release (or the whole queue) waits, and until when if that is known. */
export interface Hold {
  /** `environment "prod" is locked` / `freeze window Fri 18:00 – Mon 08:00 Europe/Berlin until <ISO>`. */
  reason: string;
  /** When a freeze window ends (the queue moves again by itself then); absent for a lock. */
  until?: Date | undefined;
}

/**
 * What holds every release of the environment's queue now: its lock first, then the freeze
 * window in force (chained windows end at the last one's end, see `activeFreeze`). Null when
 * the queue may move.
 */
export function environmentHold(environment: HoldingEnvironment, now: Date): Hold | null {
  return lockHold(environment) ?? freezeHold(environment, now);
}

/**
 * Whether the next queued release may start now (the decision of `admitNext`'s `hold`):
 * an automatic rollback passes both the lock and any freeze window (it restores what was
 * live, so it is never held); a release whose freeze was broken by an admin
 * (`freeze_break` set) passes a freeze window but not the lock; every other release waits
 * for both. Returns why it waits, or null.
 */
export function releaseHold(input: {
  environment: HoldingEnvironment;
  release: { trigger: string; freezeBreak: unknown };
  now: Date;
}): Hold | null {
  const { environment, release, now } = input;
  if ((release.trigger as ReleaseTrigger) === 'auto-rollback') return null;
  const locked = lockHold(environment);
  if (locked) return locked;
  if (release.freezeBreak !== null && release.freezeBreak !== undefined) return null;
  return freezeHold(environment, now);
}

function lockHold(environment: HoldingEnvironment): Hold | null {
  return environment.locked ? { reason: `environment "${environment.name}" is locked` } : null;
}

function freezeHold(environment: HoldingEnvironment, now: Date): Hold | null {
  const frozen = activeFreeze(environment.freezeWindows, now);
  if (!frozen) return null;
  return {
    reason: `freeze window ${describeFreezeWindow(frozen.window)} until ${frozen.until.toISOString()}`,
    until: frozen.until,
  };
}

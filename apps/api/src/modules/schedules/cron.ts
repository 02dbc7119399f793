// Cron expressions and their fire times, with croner (https://croner.56k.guru): a
// maintained, dependency-free parser that takes 5 or 6 fields (seconds first) and reads
// the times in an IANA time zone, DST included (a wall-clock time skipped by a spring-forward
// gap fires at the first valid instant after it; one repeated in autumn fires once).
import { Cron } from 'croner';

/** A problem with a schedule's timing, for a 400 naming `body.cron` or `body.timezone`. */
export interface TimingProblem {
  field: 'body.cron' | 'body.timezone';
  message: string;
}

/** Whether `zone` is an IANA time zone this runtime knows (ICU's tz database). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cronOf(cron: string, timezone: string): Cron {
  return new Cron(cron, { timezone, paused: true });
}

/** What is wrong with `cron` in `timezone` (the library's reason), or null when it can be used. */
export function timingProblem(cron: string, timezone: string): TimingProblem | null {
  if (!isTimeZone(timezone)) {
    return {
      field: 'body.timezone',
      message: `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin or UTC)`,
    };
  }
  try {
    cronOf(cron, timezone);
    return null;
  } catch (error) {
    return { field: 'body.cron', message: `invalid cron expression: ${(error as Error).message}` };
  }
}

/**
 * The next `count` fire times strictly after `after` (fewer when the expression stops
 * firing, e.g. a fixed date in the past). `cron`/`timezone` must have passed `timingProblem`.
 */
export function nextFireTimes(cron: string, timezone: string, after: Date, count: number): Date[] {
  return cronOf(cron, timezone).nextRuns(count, after);
}

/** The first fire time strictly after `after`, or null when there is none. */
export function nextFireTime(cron: string, timezone: string, after: Date): Date | null {
  return nextFireTimes(cron, timezone, after, 1)[0] ?? null;
}

/**
 * Where a schedule goes after firing its due tick `due` at `now`: the first tick after
 * both, so ticks missed while no leader ran collapse into the one that just fired.
 */
export function tickAfterFiring(cron: string, timezone: string, due: Date, now: Date): Date | null {
  return nextFireTime(cron, timezone, due.getTime() > now.getTime() ? due : now);
}

import { type FreezeWindow, FreezeWindowsSchema } from '@slipway/contracts';
import { DateTime } from 'luxon';

const WEEKDAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

/** A freeze window in force: which, and when it ends. */
export interface ActiveFreeze {
  window: FreezeWindow;
  /** When deploys may go again (the latest end among the windows in force, if they overlap). */
  until: Date;
}

/**
 * The window of `windows` in force at `now`, or null. Weekly windows are wall-clock times
 * in their zone (luxon applies daylight saving: "Fri 18:00 Europe/Berlin" is 17:00 UTC in
 * winter and 16:00 UTC in summer) and may wrap around the week's end (Fri 18:00 – Mon 08:00);
 * a window whose end equals its start is refused when stored (freezeWindowProblems). One-off windows hold from
 * `from` (inclusive) to `to` (exclusive). Overlapping or back-to-back windows chain: `until`
 * is when no window holds any more (searched up to 100 links).
 */
export function activeFreeze(windows: readonly FreezeWindow[], now: Date): ActiveFreeze | null {
  let at = now;
  let first: FreezeWindow | undefined;
  for (let link = 0; link < 100; link++) {
    let latest: { window: FreezeWindow; end: Date } | undefined;
    for (const window of windows) {
      const end = endIfActive(window, at);
      if (end && (!latest || end > latest.end)) latest = { window, end };
    }
    if (!latest) break;
    first ??= latest.window;
    at = latest.end;
  }
  return first ? { window: first, until: at } : null;
}

/** When `window` ends if it holds at `at`; null when it does not hold then. */
function endIfActive(window: FreezeWindow, at: Date): Date | null {
  const now = DateTime.fromJSDate(at, { zone: window.timeZone });
  if (window.kind === 'once') {
    const from = DateTime.fromISO(window.from, { zone: window.timeZone });
    const to = DateTime.fromISO(window.to, { zone: window.timeZone });
    return from <= now && now < to ? to.toJSDate() : null;
  }
  const [fromHour, fromMinute] = window.from.time.split(':').map(Number) as [number, number];
  const [toHour, toMinute] = window.to.time.split(':').map(Number) as [number, number];
  let start = now.set({
    weekday: WEEKDAYS[window.from.day],
    hour: fromHour,
    minute: fromMinute,
    second: 0,
    millisecond: 0,
  });
  if (start > now) start = start.minus({ weeks: 1 });
  let end = start.set({ weekday: WEEKDAYS[window.to.day], hour: toHour, minute: toMinute });
  if (end <= start) end = end.plus({ weeks: 1 });
  return now < end ? end.toJSDate() : null;
}

/** `Fri 18:00 – Mon 08:00 Europe/Berlin`, `2026-12-24T00:00 – 2026-12-27T00:00 Europe/Berlin`. */
export function describeFreezeWindow(window: FreezeWindow): string {
  const label = window.name ? `${window.name}: ` : '';
  if (window.kind === 'once') return `${label}${window.from} – ${window.to} ${window.timeZone}`;
  const day = (d: string) => d[0]?.toUpperCase() + d.slice(1);
  return `${label}${day(window.from.day)} ${window.from.time} – ${day(window.to.day)} ${window.to.time} ${window.timeZone}`;
}

/** Problems of windows that parse but make no sense (a one-off window ending before it starts). */
export function freezeWindowProblems(
  windows: readonly FreezeWindow[],
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  windows.forEach((window, index) => {
    if (window.kind === 'weekly') {
      if (window.from.day === window.to.day && window.from.time === window.to.time) {
        problems.push({ field: `body.freezeWindows[${index}].to`, message: 'must differ from from' });
      }
      return;
    }
    const from = DateTime.fromISO(window.from, { zone: window.timeZone });
    const to = DateTime.fromISO(window.to, { zone: window.timeZone });
    if (!from.isValid)
      problems.push({ field: `body.freezeWindows[${index}].from`, message: 'not a date-time' });
    else if (!to.isValid)
      problems.push({ field: `body.freezeWindows[${index}].to`, message: 'not a date-time' });
    else if (to <= from)
      problems.push({ field: `body.freezeWindows[${index}].to`, message: 'must be after from' });
  });
  return problems;
}

/** The stored windows (a JSON column); anything unreadable counts as none. */
export function storedFreezeWindows(value: unknown): FreezeWindow[] {
  const parsed = FreezeWindowsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

import type { FreezeWindow } from '@slipway/contracts';

/** The weekdays in the API's spelling, Monday first, with the names people read. */
export const WEEKDAYS = [
  { value: 'mon', label: 'Monday' },
  { value: 'tue', label: 'Tuesday' },
  { value: 'wed', label: 'Wednesday' },
  { value: 'thu', label: 'Thursday' },
  { value: 'fri', label: 'Friday' },
  { value: 'sat', label: 'Saturday' },
  { value: 'sun', label: 'Sunday' },
] as const;

/** The browser's own IANA time zone (`Europe/Berlin`), UTC when it cannot tell. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** IANA time zones the browser knows, for the zone input's suggestions (the API checks the name). */
export function knownTimeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/** A new weekly window: the weekend freeze, Fri 18:00 – Mon 08:00, in `timeZone`. */
export function newWeeklyWindow(timeZone: string): FreezeWindow {
  return { kind: 'weekly', from: { day: 'fri', time: '18:00' }, to: { day: 'mon', time: '08:00' }, timeZone };
}

/** `YYYY-MM-DDTHH:MM` of a date as wall-clock time in the browser (what datetime-local shows). */
export function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A new one-off window: from the next full hour after `now`, for a day, in `timeZone`. */
export function newOnceWindow(timeZone: string, now: Date): FreezeWindow {
  const from = new Date(now);
  from.setMinutes(0, 0, 0);
  from.setHours(from.getHours() + 1);
  const to = new Date(from);
  to.setDate(to.getDate() + 1);
  return { kind: 'once', from: localDateTime(from), to: localDateTime(to), timeZone };
}

/** The same window as the other kind, keeping its name and zone (the kind select's change). */
export function withKind(window: FreezeWindow, kind: FreezeWindow['kind'], now: Date): FreezeWindow {
  if (window.kind === kind) return window;
  const fresh = kind === 'weekly' ? newWeeklyWindow(window.timeZone) : newOnceWindow(window.timeZone, now);
  return { ...fresh, ...(window.name ? { name: window.name } : {}) };
}

const dayName = (day: string) => WEEKDAYS.find((d) => d.value === day)?.label.slice(0, 3) ?? day;

/**
 * `Fri 18:00 – Mon 08:00 Europe/Berlin`, `2026-12-24T00:00 – 2026-12-27T00:00 UTC`, prefixed
 * with the window's name — the wording of the API's hold reasons (`describeFreezeWindow`).
 */
export function describeFreezeWindow(window: FreezeWindow): string {
  const label = window.name ? `${window.name}: ` : '';
  if (window.kind === 'once') return `${label}${window.from} – ${window.to} ${window.timeZone}`;
  return `${label}${dayName(window.from.day)} ${window.from.time} – ${dayName(window.to.day)} ${window.to.time} ${window.timeZone}`;
}

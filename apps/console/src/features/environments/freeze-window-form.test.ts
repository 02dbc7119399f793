import { describe, expect, it } from 'vitest';
import {
  describeFreezeWindow,
  localDateTime,
  newOnceWindow,
  newWeeklyWindow,
  withKind,
} from './freeze-window-form.ts';

describe('freeze windows in the environment form', () => {
  it('starts a weekly window as the weekend freeze in the chosen zone', () => {
    expect(describeFreezeWindow(newWeeklyWindow('Europe/Berlin'))).toBe(
      'Fri 18:00 – Mon 08:00 Europe/Berlin',
    );
  });

  it('starts a one-off window at the next full hour, lasting a day, as datetime-local text', () => {
    const now = new Date(2026, 11, 24, 9, 41);
    const window = newOnceWindow('UTC', now);
    expect(window).toEqual({
      kind: 'once',
      from: '2026-12-24T10:00',
      to: '2026-12-25T10:00',
      timeZone: 'UTC',
    });
    expect(localDateTime(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02T03:04');
  });

  it('switches kind keeping the name and zone, and names the window in its description', () => {
    const named = { ...newWeeklyWindow('Europe/Berlin'), name: 'release freeze' };
    const once = withKind(named, 'once', new Date(2026, 11, 24, 9, 41));
    expect(once).toMatchObject({ kind: 'once', name: 'release freeze', timeZone: 'Europe/Berlin' });
    expect(withKind(once, 'once', new Date())).toBe(once);
    expect(describeFreezeWindow(once)).toBe(
      'release freeze: 2026-12-24T10:00 – 2026-12-25T10:00 Europe/Berlin',
    );
  });
});

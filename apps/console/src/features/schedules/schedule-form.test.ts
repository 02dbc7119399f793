import { describe, expect, it } from 'vitest';
import { scheduleBody, scheduleFormValues } from './schedule-form.ts';

describe('schedule form', () => {
  it('round-trips a schedule into the form and back', () => {
    const values = scheduleFormValues({
      id: '00000000-0000-4000-8000-000000000000',
      pipeline: 'ci',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      releaseType: 'full',
      environment: 'dev',
      parameters: { target: 'web', dry: true },
      ref: null,
      enabled: false,
      runsAs: 'admin',
      nextRuns: [],
      nextRunAt: null,
      lastFiredAt: null,
      lastRun: null,
      lastError: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(values.parameters).toBe('target=web\ndry=true');
    expect(values.ref).toBe('');
    expect(scheduleBody({ ...values, cron: ' 0 9 * * 1-5 ' }, { target: 'web', dry: true })).toEqual({
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      releaseType: 'full',
      environment: 'dev',
      parameters: { target: 'web', dry: true },
      enabled: false,
    });
    expect(scheduleBody({ ...values, ref: ' release ' }, {}).ref).toBe('release');
  });
});

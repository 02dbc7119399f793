import type { CreateScheduleBody, Schedule } from '@slipway/contracts';

type ParameterValue = string | number | boolean;

export type ScheduleFormValues = {
  cron: string;
  /** An IANA zone name. */
  timezone: string;
  releaseType: string;
  environment: string;
  /** `name=value`, one per line (read with the webhooks form's parser). */
  parameters: string;
  /** Empty: the project's branch. */
  ref: string;
  enabled: boolean;
};

/** The browser's own zone (what most people mean by "9 o'clock"), else UTC. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A new schedule's form (nightly at 02:00 in the browser's zone), or an existing one's. */
export function scheduleFormValues(schedule?: Schedule): ScheduleFormValues {
  if (!schedule) {
    return {
      cron: '0 2 * * *',
      timezone: browserTimeZone(),
      releaseType: '',
      environment: '',
      parameters: '',
      ref: '',
      enabled: true,
    };
  }
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    releaseType: schedule.releaseType,
    environment: schedule.environment,
    parameters: Object.entries(schedule.parameters)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join('\n'),
    ref: schedule.ref ?? '',
    enabled: schedule.enabled,
  };
}

/** The request body: trimmed, with an empty ref left out (the project's branch). */
export function scheduleBody(
  values: ScheduleFormValues,
  parameters: Record<string, ParameterValue>,
): CreateScheduleBody {
  const ref = values.ref.trim();
  return {
    cron: values.cron.trim(),
    timezone: values.timezone.trim(),
    releaseType: values.releaseType,
    environment: values.environment,
    parameters,
    ...(ref ? { ref } : {}),
    enabled: values.enabled,
  };
}

/** A fire time as the person reading it sees it, and in the schedule's zone when that differs. */
export function formatFireTime(iso: string, timezone: string, locale?: string): string {
  const date = new Date(iso);
  const local = date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  if (timezone === browserTimeZone()) return local;
  const there = date.toLocaleString(locale, { timeStyle: 'short', timeZone: timezone });
  return `${local} (${there} ${timezone})`;
}

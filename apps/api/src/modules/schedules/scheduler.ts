// The leader's scheduler: fires each enabled schedule's due tick, exactly once per tick.
//
// Exactly once, across replicas and restarts, without holding a transaction across the run's
// creation: a tick's run is started with the Idempotency-Key `schedule:<id>:<tick>` (unique
// per pipeline in the database), and only then is the tick claimed with a compare-and-set
// (`UPDATE … SET next_run_at = <next> WHERE id = … AND next_run_at = <tick>`). A crash
// between the two leaves the tick due; firing it again finds the run its key already
// started instead of starting another. Two schedulers on one tick (a leadership hand-over)
// meet at the same key and the same compare-and-set. A tick missed while no leader ran
// fires once on start; the next tick is then the first after now (tickAfterFiring).
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../lib/actor.ts';
import { AppError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { openParameters } from '../../lib/stored-parameters.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { tickAfterFiring } from './cron.ts';
import {
  SCHEDULES_CHANGED,
  type ScheduleRow,
  type SchedulesRepo,
  type TickOutcome,
} from './schedules.repo.ts';

/** The longest the scheduler sleeps: a bound on how late an un-announced change is seen. */
export const MAX_SLEEP_MS = 60_000;
/** How long it waits after a pass that hit an unexpected error (a database outage). */
const BACKOFF_MS = 5_000;
/** Due ticks fired per pass; a full batch is followed by another pass at once. */
const BATCH = 50;

/** The Idempotency-Key of the run a schedule's tick starts. */
export function tickKey(scheduleId: string, tick: Date): string {
  return `schedule:${scheduleId}:${tick.toISOString()}`;
}

/**
 * The leader's handler of the run channel (`electLeader`'s `onRunNotification`): a schedule
 * saved through any replica re-arms the scheduler; anything else is a run for the engine.
 */
export function announcementHandler(scheduler: Scheduler, wakeRun: (runId: string) => void) {
  return (id: string): void => (id === SCHEDULES_CHANGED ? scheduler.rearm() : wakeRun(id));
}

export interface Scheduler {
  /** Starts firing (the leader callback calls it on gaining leadership). */
  start(): void;
  /** Stops and waits for a pass in progress. */
  stop(): Promise<void>;
  /** Looks at the schedules again now (one changed); nothing while stopped. */
  rearm(): void;
}

export function createScheduler(deps: {
  schedules: SchedulesRepo;
  runs: RunsService;
  /** Decrypts the stored values of secret parameters. */
  secrets: SecretBox;
  logger?: FastifyBaseLogger | undefined;
  now?: () => Date;
}): Scheduler {
  const { schedules } = deps;
  const now = deps.now ?? (() => new Date());
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let again = false;

  /** Runs act as the user who last saved the schedule, limited to its workspace like a scoped token. */
  async function actorFor(row: ScheduleRow): Promise<Actor | string> {
    const user = await schedules.findUser(row.createdById);
    if (!user) return `the user who saved this schedule (${row.createdByName}) no longer exists`;
    if (user.disabled) return `the user who saved this schedule (${user.username}) is disabled`;
    return {
      userId: user.id,
      username: user.username,
      platformAdmin: user.platformAdmin,
      via: 'token',
      tokenWorkspaceId: row.pipeline.project.workspace.id,
      ipAddress: 'scheduler',
    };
  }

  /** Starts the tick's run (or finds the one its key started); a refusal becomes the outcome. */
  async function startRun(row: ScheduleRow, tick: Date): Promise<TickOutcome> {
    const actor = await actorFor(row);
    if (typeof actor === 'string') return { error: actor };
    try {
      const run = await deps.runs.start(
        actor,
        {
          workspace: row.pipeline.project.workspace.slug,
          project: row.pipeline.project.slug,
          pipeline: row.pipeline.name,
        },
        {
          releaseType: row.releaseType,
          environment: row.environmentName,
          parameters: openParameters(row.parameters, deps.secrets),
          ref: row.ref ?? undefined,
          trigger: 'schedule',
          idempotencyKey: tickKey(row.id, tick),
        },
      );
      return { runNumber: run.number };
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      const fields = (error.details ?? []).flatMap((d) => (d.field ? [d.field] : []));
      const where = fields.length > 0 ? ` (${fields.join(', ')})` : '';
      return { error: `the run was refused: ${error.message}${where}` };
    }
  }

  async function fire(due: ScheduleRow): Promise<void> {
    const tick = due.nextRunAt;
    if (!tick) return;
    // Read again just before starting: the batch was read earlier (a whole pass ago under
    // load), and an edit saved since (disabled, retimed, other parameters) must win. An edit
    // saved while the run starts cannot stop it: that tick was due before the edit.
    const row = await schedules.stillDue(due.id, tick);
    if (!row) return;
    const outcome = await startRun(row, tick);
    const next = tickAfterFiring(row.cron, row.timezone, tick, now());
    await schedules.claim(row.id, tick, next, outcome);
    if ('error' in outcome) deps.logger?.warn({ schedule: row.id, tick }, `schedule: ${outcome.error}`);
  }

  /** Fires what is due; returns how long to sleep. */
  async function fireDue(): Promise<number> {
    const due = await schedules.due(now(), BATCH);
    let failed = false;
    for (const row of due) {
      if (!running) return MAX_SLEEP_MS;
      await fire(row).catch((error: unknown) => {
        failed = true;
        deps.logger?.error({ err: error, schedule: row.id }, 'schedule: firing failed; retrying');
      });
    }
    if (failed) return BACKOFF_MS;
    if (due.length === BATCH) return 0;
    const earliest = await schedules.earliest();
    if (!earliest) return MAX_SLEEP_MS;
    return Math.min(MAX_SLEEP_MS, Math.max(0, earliest.getTime() - now().getTime()));
  }

  function arm(delayMs: number): void {
    clearTimeout(timer);
    if (!running) return;
    timer = setTimeout(() => {
      timer = undefined;
      again = false;
      pass = fireDue()
        .catch((error: unknown) => {
          deps.logger?.error({ err: error }, 'schedule: reading the schedules failed; retrying');
          return BACKOFF_MS;
        })
        .then((sleep) => {
          pass = undefined;
          arm(again ? 0 : sleep);
        });
    }, delayMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      arm(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await pass;
    },
    rearm() {
      if (!running) return;
      if (pass) again = true;
      else arm(0);
    },
  };
}

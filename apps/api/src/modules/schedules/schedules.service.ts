import {
  type CreateScheduleBody,
  SCHEDULE_NEXT_RUNS,
  type Schedule,
  type UpdateScheduleBody,
} from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, NotFoundError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import {
  openParameters,
  type ParameterValue,
  sealParameters,
  secretParameterNames,
  sentParameters,
  shownParameters,
} from '../../lib/stored-parameters.ts';
import type { PipelinesService } from '../pipelines/pipelines.service.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { nextFireTime, nextFireTimes, timingProblem } from './cron.ts';
import type { ScheduleRow, SchedulesRepo } from './schedules.repo.ts';

/** The pipeline a schedule request is about (URL parameters). */
export interface PipelineTarget {
  workspace: string;
  project: string;
  pipeline: string;
}

/** What a schedule runs and when: the stored fields a save checks together. */
interface ScheduleFields {
  cron: string;
  timezone: string;
  releaseType: string;
  environment: string;
  parameters: Record<string, ParameterValue>;
  ref: string | null;
  enabled: boolean;
}

/** The schedule as the API shows it; `nextRuns` starts at the tick the scheduler fires next. */
export function toSchedule(row: ScheduleRow): Schedule {
  const next = row.enabled ? row.nextRunAt : null;
  const nextRuns = next ? [next, ...nextFireTimes(row.cron, row.timezone, next, SCHEDULE_NEXT_RUNS - 1)] : [];
  return {
    id: row.id,
    pipeline: row.pipeline.name,
    cron: row.cron,
    timezone: row.timezone,
    releaseType: row.releaseType,
    environment: row.environmentName,
    parameters: shownParameters(row.parameters),
    ref: row.ref,
    enabled: row.enabled,
    runsAs: row.createdByName,
    nextRuns: nextRuns.map((d) => d.toISOString()),
    nextRunAt: next?.toISOString() ?? null,
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
    lastRun: row.lastRunNumber === null ? null : { number: row.lastRunNumber },
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Pipeline schedules (README "Schedules"). Saving one checks it as a run would be checked
 * (the runs service's own refusals, so what a Run refuses is refused here) and makes the
 * one saving it whom its runs act as; the leader's scheduler fires them (scheduler.ts).
 */
export function createSchedulesService(deps: {
  schedules: SchedulesRepo;
  pipelines: PipelinesService;
  runs: RunsService;
  /** Encrypts the values of secret parameters (the pipeline's `type: secret` ones). */
  secrets: SecretBox;
  /** Tells the scheduler (here, and on the leading replica) that schedules changed. */
  changed: () => Promise<void>;
  now?: () => Date;
}) {
  const { schedules, pipelines } = deps;
  const now = deps.now ?? (() => new Date());

  async function findOrThrow(
    actor: Actor,
    target: PipelineTarget,
    id: string,
    permission: 'project.read' | 'pipeline.run',
  ) {
    const { pipeline } = await pipelines.forRun(
      actor,
      target.workspace,
      target.project,
      target.pipeline,
      permission,
    );
    const row = await schedules.find(pipeline.id, id);
    if (!row) throw new NotFoundError(`pipeline "${target.pipeline}" has no schedule ${id}`);
    return row;
  }

  /** The pipeline's secret parameters now (their values are stored encrypted). */
  async function secretNamesOf(actor: Actor, target: PipelineTarget): Promise<string[]> {
    const { text, errors } = await pipelines.forRun(
      actor,
      target.workspace,
      target.project,
      target.pipeline,
      'pipeline.run',
    );
    return errors.length === 0 ? secretParameterNames(text) : [];
  }

  /** Refuses a schedule whose timing is invalid or whose run would be refused now. */
  async function check(actor: Actor, target: PipelineTarget, fields: ScheduleFields): Promise<void> {
    const problem = timingProblem(fields.cron, fields.timezone);
    if (problem) throw new BadRequestError(`invalid schedule: ${problem.message}`, [problem]);
    await deps.runs.check(actor, target, {
      releaseType: fields.releaseType,
      environment: fields.environment,
      parameters: fields.parameters,
      ref: fields.ref ?? undefined,
      trigger: 'schedule',
    });
  }

  function nextTick(fields: Pick<ScheduleFields, 'cron' | 'timezone' | 'enabled'>): Date | null {
    return fields.enabled ? nextFireTime(fields.cron, fields.timezone, now()) : null;
  }

  return {
    async list(actor: Actor, target: PipelineTarget): Promise<{ items: Schedule[] }> {
      const { pipeline } = await pipelines.forRun(
        actor,
        target.workspace,
        target.project,
        target.pipeline,
        'project.read',
      );
      return { items: (await schedules.list(pipeline.id)).map(toSchedule) };
    },

    async get(actor: Actor, target: PipelineTarget, id: string): Promise<Schedule> {
      return toSchedule(await findOrThrow(actor, target, id, 'project.read'));
    },

    async create(actor: Actor, target: PipelineTarget, body: CreateScheduleBody): Promise<Schedule> {
      const fields: ScheduleFields = {
        cron: body.cron,
        timezone: body.timezone,
        releaseType: body.releaseType,
        environment: body.environment,
        parameters: body.parameters ?? {},
        ref: body.ref ?? null,
        enabled: body.enabled ?? true,
      };
      await check(actor, target, fields);
      const { pipeline, text } = await pipelines.forRun(
        actor,
        target.workspace,
        target.project,
        target.pipeline,
        'pipeline.run',
      );
      const row = await schedules.create({
        pipelineId: pipeline.id,
        cron: fields.cron,
        timezone: fields.timezone,
        releaseType: fields.releaseType,
        environmentName: fields.environment,
        parameters: sealParameters(fields.parameters, secretParameterNames(text), deps.secrets),
        ref: fields.ref,
        enabled: fields.enabled,
        nextRunAt: nextTick(fields),
        createdById: actor.userId,
        createdByName: actor.username,
      });
      await deps.changed();
      return toSchedule(row);
    },

    /**
     * Whoever saves a schedule becomes whom its runs act as. A change of cron, time zone or
     * enabled state moves the next tick to the first one after now; other changes keep it.
     */
    async update(
      actor: Actor,
      target: PipelineTarget,
      id: string,
      body: UpdateScheduleBody,
    ): Promise<Schedule> {
      const row = await findOrThrow(actor, target, id, 'pipeline.run');
      const fields: ScheduleFields = {
        cron: body.cron ?? row.cron,
        timezone: body.timezone ?? row.timezone,
        releaseType: body.releaseType ?? row.releaseType,
        environment: body.environment ?? row.environmentName,
        parameters: body.parameters
          ? sentParameters(body.parameters, row.parameters, deps.secrets)
          : openParameters(row.parameters, deps.secrets),
        ref: body.ref === undefined ? row.ref : body.ref,
        enabled: body.enabled ?? row.enabled,
      };
      // Disabling needs only the pipeline.run check above: it stops runs, and must work
      // when the environment is gone.
      if (fields.enabled) await check(actor, target, fields);
      const retimed =
        fields.cron !== row.cron || fields.timezone !== row.timezone || fields.enabled !== row.enabled;
      const updated = await schedules.update(row.id, {
        cron: fields.cron,
        timezone: fields.timezone,
        releaseType: fields.releaseType,
        environmentName: fields.environment,
        parameters: sealParameters(
          fields.parameters,
          await secretNamesOf(actor, target),
          deps.secrets,
          row.parameters,
        ),
        ref: fields.ref,
        enabled: fields.enabled,
        ...(retimed ? { nextRunAt: nextTick(fields) } : {}),
        createdById: actor.userId,
        createdByName: actor.username,
      });
      await deps.changed();
      return toSchedule(updated);
    },

    async delete(actor: Actor, target: PipelineTarget, id: string): Promise<void> {
      const row = await findOrThrow(actor, target, id, 'pipeline.run');
      await schedules.delete(row.id);
      await deps.changed();
    },
  };
}

export type SchedulesService = ReturnType<typeof createSchedulesService>;

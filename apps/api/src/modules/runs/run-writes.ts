import type { DeployPins, RunStatus, StoredRunEvent } from '@slipway/contracts';
import { Prisma } from '@slipway/db';
import type { Transition } from './engine/run-transitions.ts';

// How `RunsRepo.apply` stores an engine transition: each change one data-modifying CTE of a
// single statement (see there). Column names as in prisma/schema.prisma's @map.

const RUN_COLUMNS = {
  status: 'status',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  message: 'message',
  commitSha: 'commit_sha',
  secretValues: 'secret_values',
} as const;
const JOB_COLUMNS = {
  status: 'status',
  message: 'message',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  executor: 'executor',
  externalName: 'external_name',
  clusterId: 'cluster_id',
  namespace: 'namespace',
  releasedAt: 'released_at',
} as const;
const STEP_COLUMNS = {
  status: 'status',
  exitCode: 'exit_code',
  result: 'result',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  logComplete: 'log_complete',
  logError: 'log_error',
} as const;

/** A parameter with the cast its column needs (raw SQL parameters arrive untyped). */
function typedParameter(column: string, value: unknown): Prisma.Sql {
  if (column === 'cluster_id') return Prisma.sql`${value}::uuid`;
  if (column.endsWith('_at')) return Prisma.sql`${value}::timestamptz`;
  if (column === 'exit_code') return Prisma.sql`${value}::int`;
  if (column === 'log_complete') return Prisma.sql`${value}::boolean`;
  return Prisma.sql`${value}::text`;
}

function update(table: string, columns: Record<string, string>, id: string, change: object): Prisma.Sql {
  const sets = Object.entries(change)
    .filter(([key]) => key in columns)
    .map(([key, value]) => {
      const column = columns[key] as string;
      return Prisma.sql`${Prisma.raw(`"${column}"`)} = ${typedParameter(column, value)}`;
    });
  return Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET ${Prisma.join(sets, ', ')} WHERE id = ${id}::uuid`;
}

/** The statements (as CTE bodies) that store a transition. */
export function writesOf(runId: string, changes: Transition): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  if (changes.run) parts.push(update('pipeline_runs', RUN_COLUMNS, runId, changes.run));
  for (const { id, change } of changes.jobs) parts.push(update('job_runs', JOB_COLUMNS, id, change));
  for (const { id, change } of changes.steps) parts.push(update('step_runs', STEP_COLUMNS, id, change));
  parts.push(...insertsOfJobs(runId, changes.newJobs));
  if (changes.events.length > 0) parts.push(insertOfEvents(runId, changes.events));
  return parts;
}

/** A job attempt as its row will be inserted, steps included (ids chosen by the caller). */
export interface JobInsert {
  id: string;
  stage: string;
  stageIndex: number;
  position: number;
  name: string;
  kind: string;
  attempt: number;
  status: string;
  executor?: string | null;
  externalName?: string | null;
  clusterId?: string | null;
  namespace?: string | null;
  message?: string | null;
  reusedFrom?: number | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  /** A played manual job's new attempt keeps who played it (see run-transitions.ts). */
  playedById?: string | null;
  playedByName?: string | null;
  playedAt?: Date | null;
  steps: ReadonlyArray<{
    id: string;
    index: number;
    name: string;
    status: string;
    exitCode?: number | null;
    result?: string | null;
    logComplete: boolean;
    startedAt?: Date | null;
    finishedAt?: Date | null;
  }>;
}

/** The INSERTs (as CTE bodies) of new job attempts and their steps: none for no jobs. */
function insertsOfJobs(runId: string, jobs: readonly JobInsert[]): Prisma.Sql[] {
  if (jobs.length === 0) return [];
  const rows = jobs.map(
    (
      j,
    ) => Prisma.sql`(${j.id}::uuid, ${runId}::uuid, ${j.stage}, ${j.stageIndex}::int, ${j.position}::int, ${j.name}, ${j.kind},
      ${j.attempt}::int, ${j.status}, ${j.executor ?? null}, ${j.externalName ?? null}, ${j.clusterId ?? null}::uuid,
      ${j.namespace ?? null}, ${j.message ?? null}, ${j.reusedFrom ?? null}::int, ${j.startedAt ?? null}::timestamptz,
      ${j.finishedAt ?? null}::timestamptz, ${j.playedById ?? null}::uuid, ${j.playedByName ?? null},
      ${j.playedAt ?? null}::timestamptz)`,
  );
  const parts = [
    Prisma.sql`INSERT INTO "job_runs" (id, run_id, stage, stage_index, position, name, kind, attempt, status, executor,
      external_name, cluster_id, namespace, message, reused_from, started_at, finished_at, played_by_id, played_by_name,
      played_at) VALUES ${Prisma.join(rows, ', ')}`,
  ];
  const steps = jobs.flatMap((j) =>
    j.steps.map(
      (s) => Prisma.sql`(${s.id}::uuid, ${j.id}::uuid, ${s.index}::int, ${s.name}, ${s.status},
        ${s.exitCode ?? null}::int, ${s.result ?? null}, ${s.logComplete}::boolean, ${s.startedAt ?? null}::timestamptz,
        ${s.finishedAt ?? null}::timestamptz)`,
    ),
  );
  if (steps.length > 0) {
    parts.push(Prisma.sql`INSERT INTO "step_runs" (id, job_run_id, index, name, status, exit_code, result,
      log_complete, started_at, finished_at) VALUES ${Prisma.join(steps, ', ')}`);
  }
  return parts;
}

function insertOfEvents(runId: string, events: readonly StoredRunEvent[]): Prisma.Sql {
  const rows = events.map(
    ({ type, ...data }) => Prisma.sql`(${runId}::uuid, ${type}, ${JSON.stringify(data)}::jsonb)`,
  );
  return Prisma.sql`INSERT INTO "run_events" (run_id, type, data) VALUES ${Prisma.join(rows, ', ')}`;
}

/** A new run's row, as `createRunStatement` inserts it (its number is the pipeline's next). */
export interface RunInsert {
  id: string;
  pipelineId: string;
  revision: number;
  spec: string;
  releaseType: string;
  environmentId: string;
  environmentName: string;
  parameters: Record<string, unknown>;
  secretValues: string | null;
  ref: string;
  commitSha: string | null;
  trigger: string;
  triggeredById: string;
  triggeredByName: string;
  idempotencyKey: string | null;
  idempotencyFingerprint: string | null;
  retryOf: number | null;
  /** What the run's deploy steps deploy (see deploy-pins.ts); null when no deploy job runs. */
  deployPins: DeployPins | null;
  status: RunStatus;
}

/**
 * One statement that creates a run: takes the pipeline's next build number (the UPDATE holds
 * the pipeline row only until the statement commits), inserts the run, its jobs and steps and
 * its first event, and NOTIFYs `channel` with the run id (delivered on commit). Data-modifying
 * CTEs all run, in one snapshot, atomically (PostgreSQL manual, "WITH Queries", 7.8.4); foreign
 * keys are checked at the end of the statement, so a pipeline deleted meanwhile makes it fail
 * with a foreign-key violation and store nothing.
 */
export function createRunStatement(run: RunInsert, jobs: readonly JobInsert[], channel: string): Prisma.Sql {
  const ctes = [
    Prisma.sql`counter AS (UPDATE "pipelines" SET run_counter = run_counter + 1 WHERE id = ${run.pipelineId}::uuid
      RETURNING run_counter)`,
    Prisma.sql`created AS (INSERT INTO "pipeline_runs" (id, pipeline_id, number, revision, spec, release_type,
      environment_id, environment_name, parameters, secret_values, ref, commit_sha, trigger, triggered_by_id,
      triggered_by_name, idempotency_key, idempotency_fingerprint, retry_of, deploy_pins, status)
      SELECT ${run.id}::uuid, ${run.pipelineId}::uuid, run_counter, ${run.revision}::int, ${run.spec},
        ${run.releaseType}, ${run.environmentId}::uuid, ${run.environmentName}, ${JSON.stringify(run.parameters)}::jsonb,
        ${run.secretValues}, ${run.ref}, ${run.commitSha}, ${run.trigger}, ${run.triggeredById}::uuid,
        ${run.triggeredByName}, ${run.idempotencyKey}, ${run.idempotencyFingerprint}, ${run.retryOf}::int,
        ${run.deployPins === null ? null : JSON.stringify(run.deployPins)}::jsonb, ${run.status}
      FROM counter RETURNING number)`,
    ...[...insertsOfJobs(run.id, jobs), insertOfEvents(run.id, [{ type: 'run', status: run.status }])].map(
      (part, index) => Prisma.sql`w${Prisma.raw(String(index))} AS (${part})`,
    ),
  ];
  return Prisma.sql`WITH ${Prisma.join(ctes, ', ')}
    SELECT pg_notify(${channel}, ${run.id}) FROM created`;
}

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
  if (changes.newJobs.length > 0) {
    const rows = changes.newJobs.map(
      (
        j,
      ) => Prisma.sql`(${j.id}::uuid, ${runId}::uuid, ${j.stage}, ${j.stageIndex}::int, ${j.name}, ${j.kind},
        ${j.attempt}::int, ${j.status}, ${j.executor}, ${j.externalName}, ${j.clusterId}::uuid, ${j.namespace},
        ${j.message}, ${j.startedAt}::timestamptz, ${j.finishedAt}::timestamptz)`,
    );
    parts.push(Prisma.sql`INSERT INTO "job_runs" (id, run_id, stage, stage_index, name, kind, attempt, status,
      executor, external_name, cluster_id, namespace, message, started_at, finished_at) VALUES ${Prisma.join(rows, ', ')}`);
    const steps = changes.newJobs.flatMap((j) =>
      j.steps.map(
        (s) => Prisma.sql`(${s.id}::uuid, ${j.id}::uuid, ${s.index}::int, ${s.name}, ${s.status},
          ${s.exitCode}::int, ${s.result}, ${s.logComplete}::boolean, ${s.startedAt}::timestamptz, ${s.finishedAt}::timestamptz)`,
      ),
    );
    if (steps.length > 0) {
      parts.push(Prisma.sql`INSERT INTO "step_runs" (id, job_run_id, index, name, status, exit_code, result,
        log_complete, started_at, finished_at) VALUES ${Prisma.join(steps, ', ')}`);
    }
  }
  if (changes.events.length > 0) {
    const rows = changes.events.map(
      ({ type, ...data }) => Prisma.sql`(${runId}::uuid, ${type}, ${JSON.stringify(data)}::jsonb)`,
    );
    parts.push(Prisma.sql`INSERT INTO "run_events" (run_id, type, data) VALUES ${Prisma.join(rows, ', ')}`);
  }
  return parts;
}

import { ACTIVE_RUN_STATUSES } from '@slipway/contracts';
import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

/** Whose active runs: an environment's, those of every environment on a cluster, or a project's. */
export type RunScope = { environmentId: string } | { clusterId: string } | { projectId: string };

/**
 * Longest a delete's transaction may hold its row locks: the delete may call the cluster
 * (an environment's namespace), whose calls are bounded by the kube timeout.
 */
const DELETE_TRANSACTION_TIMEOUT_MS = 60_000;

function whereOf(scope: RunScope): Prisma.PipelineRunWhereInput {
  const active = { status: { in: [...ACTIVE_RUN_STATUSES] } };
  if ('environmentId' in scope) return { ...active, environmentId: scope.environmentId };
  // A job keeps the cluster it was dispatched to even when its environment moved since.
  if ('clusterId' in scope) {
    return {
      ...active,
      OR: [
        { environment: { clusterId: scope.clusterId } },
        { jobs: { some: { clusterId: scope.clusterId } } },
      ],
    };
  }
  return { ...active, pipeline: { projectId: scope.projectId } };
}

/**
 * The queries of the rule "no delete under active runs". Race-safety rests on row locks:
 * `lock` takes `FOR UPDATE` on the object's row (and the rows runs reference through it:
 * a cluster's environments, a project's pipelines). Creating a run inserts a row whose
 * foreign keys (environment, pipeline) make PostgreSQL take `FOR KEY SHARE` on those rows,
 * which conflicts with `FOR UPDATE`: a run inserted first makes `lock` wait until it commits
 * (and the count that follows sees it); a run inserted after `lock` waits until the delete
 * commits and then fails its foreign key check (PostgreSQL docs, "Row-Level Locks").
 */
export function createActiveRunsRepo(prisma: PrismaClient) {
  return {
    /** One transaction for lock, check and delete. */
    transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      return prisma.$transaction(work, { timeout: DELETE_TRANSACTION_TIMEOUT_MS });
    },

    /** Locks the object's row, and the rows new runs would reference through it, until the transaction ends. */
    async lock(scope: RunScope, tx: Prisma.TransactionClient): Promise<void> {
      if ('environmentId' in scope) {
        await tx.$queryRaw`SELECT id FROM environments WHERE id = ${scope.environmentId}::uuid FOR UPDATE`;
      } else if ('clusterId' in scope) {
        await tx.$queryRaw`SELECT id FROM clusters WHERE id = ${scope.clusterId}::uuid FOR UPDATE`;
        await tx.$queryRaw`SELECT id FROM environments WHERE cluster_id = ${scope.clusterId}::uuid ORDER BY id FOR UPDATE`;
      } else {
        await tx.$queryRaw`SELECT id FROM projects WHERE id = ${scope.projectId}::uuid FOR UPDATE`;
        await tx.$queryRaw`SELECT id FROM pipelines WHERE project_id = ${scope.projectId}::uuid ORDER BY id FOR UPDATE`;
      }
    },

    /** The active runs in `scope`, oldest first, with the names that identify them. */
    listActive(scope: RunScope, db: Db = prisma) {
      return db.pipelineRun.findMany({
        where: whereOf(scope),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: {
          id: true,
          number: true,
          status: true,
          pipeline: {
            select: {
              name: true,
              project: { select: { slug: true, workspace: { select: { slug: true } } } },
            },
          },
        },
      });
    },
  };
}

export type ActiveRunsRepo = ReturnType<typeof createActiveRunsRepo>;
export type ActiveRunRow = Awaited<ReturnType<ActiveRunsRepo['listActive']>>[number];

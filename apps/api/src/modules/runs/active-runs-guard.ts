import type { ErrorBody, RunRef } from '@slipway/contracts';
import type { Prisma } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { ActiveRunRow, ActiveRunsRepo, RunScope } from './active-runs.repo.ts';

/** Runs named in a refusal's message; `details` name all of them up to `DETAILS_LIMIT`. */
const MESSAGE_LIMIT = 5;
const DETAILS_LIMIT = 100;
/**
 * Cancel-and-check rounds before giving up: runs started while the first ones were being
 * cancelled are cancelled too, but a run the engine cannot stop must not loop forever.
 */
const CANCEL_ROUNDS = 3;

function refOf(row: ActiveRunRow): RunRef {
  return {
    id: row.id,
    workspace: row.pipeline.project.workspace.slug,
    project: row.pipeline.project.slug,
    pipeline: row.pipeline.name,
    number: row.number,
    status: row.status,
  };
}

/** `acme/shop/build #3`: how a run is named in messages and the audit trail. */
export function runName(run: RunRef): string {
  return `${run.workspace}/${run.project}/${run.pipeline} #${run.number}`;
}

type Detail = NonNullable<ErrorBody['details']>[number];

/** One `details` entry per run (with the run, for a link), at most `DETAILS_LIMIT`. */
export function activeRunDetails(runs: readonly RunRef[]): Detail[] {
  return runs
    .slice(0, DETAILS_LIMIT)
    .map((run) => ({ field: 'runs', message: `${runName(run)} is ${run.status}`, run }));
}

/** `2 active runs: a/b/c #1 (running), a/b/c #2 (queued)`, the first few named. */
export function describeActiveRuns(runs: readonly RunRef[]): string {
  const named = runs.slice(0, MESSAGE_LIMIT).map((run) => `${runName(run)} (${run.status})`);
  const more = runs.length > MESSAGE_LIMIT ? ` and ${runs.length - MESSAGE_LIMIT} more` : '';
  return `${runs.length} active run${runs.length === 1 ? '' : 's'}: ${named.join(', ')}${more}`;
}

export interface GuardedDelete {
  actor: Actor;
  /** The request's id, for the audit entries of the runs cancelled. */
  requestId: string;
  /** What is deleted: named in the refusal (`environment "dev"`) and in the message of each run cancelled. */
  target: { kind: 'environment' | 'cluster' | 'project'; name: string };
  /**
   * What happens to it (default `delete`); `move`: an environment moves to another cluster or
   * namespace, where jobs already started there would be lost track of.
   */
  change?: 'delete' | 'move';
  scope: RunScope;
  /** `?cancelRuns=true`: cancel the active runs, wait until their jobs have stopped, then delete. */
  cancelRuns: boolean;
  /** Deletes (or changes) the object inside the transaction that holds its lock (no active run is left). */
  remove: (tx: Prisma.TransactionClient) => Promise<void>;
}

/**
 * The rule "nothing with active runs is deleted": an environment, a cluster (the runs of
 * its environments) or a project (the runs of its pipelines) with queued, running or
 * waiting runs is refused (409 naming them) unless the caller asks to cancel them. The
 * caller's right to delete the object implies the right to cancel its runs; each cancel is
 * recorded in the audit trail under that caller, and the delete's own entry lists them.
 */
export function createActiveRunsGuard(deps: {
  repo: ActiveRunsRepo;
  audit: AuditRepo;
  /** The runs service's cancel (`cancelBecause`): sets the message and tells the engine. */
  cancel: (run: { id: string; status: string }, message: string) => Promise<void>;
  /** Resolves once the engine has reconciled the run (its jobs stopped when it was cancelled). */
  settle: (runId: string) => Promise<void>;
}) {
  const { repo, audit } = deps;

  /** The active runs in `scope` now (no lock: for messages, e.g. a refusal for other reasons). */
  async function activeRuns(scope: RunScope): Promise<RunRef[]> {
    return (await repo.listActive(scope)).map(refOf);
  }

  async function cancelAll(runs: readonly RunRef[], input: GuardedDelete): Promise<void> {
    const done = input.change === 'move' ? 'moved to another cluster or namespace' : 'deleted';
    const message = `cancelled: ${input.target.kind} ${input.target.name} ${done} by ${input.actor.username}`;
    for (const run of runs) {
      await deps.cancel(run, message);
      await audit.record({
        actorId: input.actor.userId,
        actorName: input.actor.username.slice(0, 64),
        actorVia: input.actor.via,
        action: 'cancelRun',
        objectType: 'runs',
        objectName: `${run.workspace}/${run.project}/${run.pipeline}/${run.number}`,
        workspace: run.workspace,
        project: run.project,
        outcome: 'allowed',
        statusCode: 200,
        ipAddress: input.actor.ipAddress.slice(0, 64),
        requestId: input.requestId,
        detail: { values: { reason: message } },
      });
    }
  }

  return {
    activeRuns,

    /**
     * Deletes (or moves, see `change`) through `input.remove` when no run is active in
     * `input.scope`, checking and changing in one transaction that holds the object's row lock (see active-runs.repo.ts).
     * Throws ConflictError (409) naming the active runs, unless `cancelRuns`: then cancels
     * them, waits until the engine has stopped them, and tries again (a few rounds).
     */
    async deleteUnlessActive(input: GuardedDelete): Promise<void> {
      const object = `${input.target.kind} "${input.target.name}"`;
      const cancelled: RunRef[] = [];
      for (let round = 0; ; round++) {
        const blocking = await repo.transaction(async (tx) => {
          await repo.lock(input.scope, tx);
          const active = (await repo.listActive(input.scope, tx)).map(refOf);
          if (active.length === 0) await input.remove(tx);
          return active;
        });
        if (blocking.length === 0) break;
        if (!input.cancelRuns) {
          throw new ConflictError(
            `${object} has ${describeActiveRuns(blocking)}; cancel them first, or ${input.change ?? 'delete'} with cancelRuns=true`,
            activeRunDetails(blocking),
          );
        }
        if (round >= CANCEL_ROUNDS) {
          throw new ConflictError(
            `${object} still has ${describeActiveRuns(blocking)} after cancelling; try again when they have stopped`,
            activeRunDetails(blocking),
          );
        }
        // A run still active after its cancel is waited for again, not cancelled (and audited) twice.
        const fresh = blocking.filter((run) => !cancelled.some((c) => c.id === run.id));
        await cancelAll(fresh, input);
        cancelled.push(...fresh);
        // On the delete's audit entry, whether or not the delete then goes through.
        noteChanges({ cancelledRuns: [] }, { cancelledRuns: cancelled.map(runName) }, ['cancelledRuns']);
        await Promise.all(blocking.map((run) => deps.settle(run.id)));
      }
    },
  };
}

export type ActiveRunsGuard = ReturnType<typeof createActiveRunsGuard>;

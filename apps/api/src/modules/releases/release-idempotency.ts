import { type ReleaseTrigger, WAITING_RELEASE_STATUSES } from '@slipway/contracts';
import { Prisma } from '@slipway/db';

/** What a request that creates a release (rollback, promotion) asks for, to know it again. */
export interface ReleaseRequest {
  /** The request's `Idempotency-Key` header, when it sent one. */
  idempotencyKey?: string | undefined;
  /** The user asking. */
  requestedById: string;
  /** The environment the new release goes to. */
  environmentId: string;
  trigger: ReleaseTrigger;
  /** A rollback: the number of the release rolled back to. */
  rollbackOf?: number | undefined;
  /** A promotion: the release promoted, as stored in `promoted_from`. */
  promotedFrom?: { environment: string; number: number } | undefined;
}

/**
 * How `ReleasesRepo.insertOnce` finds the release a repeated request already made, instead
 * of making a second one:
 * - `idempotencyKey`: the release of (project, key) — the key is unique per project
 *   (`releases_project_id_idempotency_key_key`), as in the IETF draft
 *   "The Idempotency-Key HTTP Header Field": a retry with the same key gets the first
 *   answer, whatever happened since. The new release stores the key.
 * - otherwise `sameWaiting`: a release of the project that still waits
 *   (`awaiting-approval` or `queued`), asked for by the same user for the same thing (same
 *   target release, environment and trigger) — a double click.
 */
export interface ReleaseDedupe {
  idempotencyKey: string | null;
  sameWaiting: Prisma.ReleaseWhereInput | null;
}

/** The dedupe rule of a request (see `ReleaseDedupe`). */
export function dedupeOf(request: ReleaseRequest): ReleaseDedupe {
  if (request.idempotencyKey) return { idempotencyKey: request.idempotencyKey, sameWaiting: null };
  return {
    idempotencyKey: null,
    sameWaiting: {
      createdById: request.requestedById,
      environmentId: request.environmentId,
      trigger: request.trigger,
      status: { in: [...WAITING_RELEASE_STATUSES] },
      rollbackOf: request.rollbackOf ?? null,
      ...(request.promotedFrom
        ? { promotedFrom: { equals: request.promotedFrom } }
        : { promotedFrom: { equals: Prisma.AnyNull } }),
    },
  };
}

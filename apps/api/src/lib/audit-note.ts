import { AsyncLocalStorage } from 'node:async_hooks';
import { isDeepStrictEqual } from 'node:util';

/** What one write changed, per field: `{ role: { before: 'viewer', after: 'operator' } }`. Never secrets. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/**
 * What a request's handler adds to its audit entry beyond what the audit trail sees by
 * itself (route, caller, outcome, body field names).
 */
export interface AuditNote {
  /** The actor of a request made without a session: sign-in (the user, or the username tried). */
  actor?: { id: string | null; name: string; via: string };
  /** Before → after of the fields the write changed. */
  changes?: AuditChanges;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Filled while the handler runs (see `runWithAuditNote`); read by the audit trail. */
    auditNote: AuditNote | null;
  }
}

const notes = new AsyncLocalStorage<AuditNote>();

/** Runs a request's handler with `note` as the place `noteChanges`/`noteActor` write to. */
export function runWithAuditNote<T>(note: AuditNote, fn: () => T): T {
  return notes.run(note, fn);
}

/**
 * Records, for the current request's audit entry, each of `fields` whose value differs
 * between `before` and `after` (deep equality). Call it only with fields that hold no
 * secret. Outside a request it does nothing.
 */
export function noteChanges<Field extends string>(
  before: { readonly [F in Field]?: unknown } | null,
  after: { readonly [F in Field]?: unknown } | null,
  fields: readonly Field[],
): void {
  const note = notes.getStore();
  if (!note) return;
  for (const field of fields) {
    const was = before ? before[field] : null;
    const is = after ? after[field] : null;
    if (isDeepStrictEqual(was, is)) continue;
    note.changes = { ...note.changes, [field]: { before: was ?? null, after: is ?? null } };
  }
}

/** Names the actor of a request that has no session (sign-in). */
export function noteActor(actor: NonNullable<AuditNote['actor']>): void {
  const note = notes.getStore();
  if (note) note.actor = actor;
}

import type { AuditEvent, AuditFilterQuery, AuditQuery } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, timeIdCursorKey, toPage } from '../../lib/cursor.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { AuditDetail, AuditFilter, AuditRepo, AuditRow } from './audit.repo.ts';

const OUTCOMES = ['allowed', 'denied', 'failed', 'unauthenticated'] as const;

/** Rows read per query while exporting: the export streams, it never holds the log. */
const EXPORT_PAGE = 500;

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actor: row.actorName,
    actorVia: row.actorVia,
    action: row.action,
    objectType: row.objectType,
    objectName: row.objectName,
    workspace: row.workspace,
    project: row.project,
    outcome: OUTCOMES.find((o) => o === row.outcome) ?? 'failed',
    statusCode: row.statusCode,
    ipAddress: row.ipAddress,
    requestId: row.requestId,
    detail: (row.detail as AuditDetail | null) ?? null,
  };
}

function filterOf(query: AuditFilterQuery): AuditFilter {
  return {
    actor: query.actor,
    action: query.action,
    object: query.object,
    workspace: query.workspace,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

export function createAuditService(deps: {
  audit: AuditRepo;
  access: AccessService;
  workspaces: WorkspacesService;
}) {
  const { audit, access, workspaces } = deps;

  async function authorizeRead(actor: Actor, workspace: string | undefined | null): Promise<void> {
    if (workspace) await workspaces.authorize(actor, workspace, 'workspace.audit.read');
    else await access.requirePlatform(actor, 'platform.audit.read');
  }

  return {
    /**
     * One entry, for whoever may read the log it is in: platform admins, or admins of its
     * workspace. Anyone else gets 404 (they may not know it exists).
     */
    async get(actor: Actor, id: string): Promise<AuditEvent> {
      const row = await audit.find(id);
      const notFound = new NotFoundError('no audit event with this id');
      if (!row) throw notFound;
      await authorizeRead(actor, actor.platformAdmin ? null : row.workspace).catch((error: unknown) => {
        throw error instanceof ForbiddenError ? notFound : error;
      });
      return toAuditEvent(row);
    },

    /**
     * The filtered log, newest first, as an async sequence of entries read a page at a
     * time (for the CSV export). Authorized like `list`, before the first row is read.
     */
    async export(actor: Actor, query: AuditFilterQuery): Promise<AsyncIterable<AuditEvent>> {
      await authorizeRead(actor, query.workspace);
      const filter = filterOf(query);
      return (async function* rows() {
        let before: AuditFilter['before'];
        for (;;) {
          const page = await audit.list({ ...filter, before }, EXPORT_PAGE);
          for (const row of page) yield toAuditEvent(row);
          const last = page.at(-1);
          if (!last || page.length < EXPORT_PAGE) return;
          before = { occurredAt: last.occurredAt, id: last.id };
        }
      })();
    },

    /** Platform admins read everything; workspace admins read their workspace with ?workspace=. */
    async list(actor: Actor, query: AuditQuery) {
      await authorizeRead(actor, query.workspace);
      const after = timeIdCursorKey(decodeCursor(query.cursor));
      const before = after && { occurredAt: after.at, id: after.id };
      const rows = await audit.list({ ...filterOf(query), before }, query.limit + 1);
      return toPage(rows, query.limit, (row) => `${row.occurredAt.toISOString()}|${row.id}`, toAuditEvent);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

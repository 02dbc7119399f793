import type { AuditQuery } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { BadRequestError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { AuditRepo, AuditRow } from './audit.repo.ts';

const OUTCOMES = ['allowed', 'denied', 'failed', 'unauthenticated'] as const;

function toAuditEvent(row: AuditRow) {
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
  };
}

export function createAuditService(deps: {
  audit: AuditRepo;
  access: AccessService;
  workspaces: WorkspacesService;
}) {
  const { audit, access, workspaces } = deps;

  return {
    /** Platform admins read everything; workspace admins read their workspace with ?workspace=. */
    async list(actor: Actor, query: AuditQuery) {
      if (query.workspace) {
        await workspaces.authorize(actor, query.workspace, 'workspace.audit.read');
      } else {
        await access.requirePlatform(actor, 'platform.audit.read');
      }
      const cursor = decodeCursor(query.cursor);
      let before: { occurredAt: Date; id: string } | undefined;
      if (cursor) {
        const [at, id] = cursor.split('|');
        const occurredAt = new Date(at ?? '');
        if (!id || Number.isNaN(occurredAt.getTime())) {
          throw new BadRequestError('invalid pagination cursor', [
            { field: 'query.cursor', message: 'malformed' },
          ]);
        }
        before = { occurredAt, id };
      }
      const rows = await audit.list(
        {
          actor: query.actor,
          action: query.action,
          object: query.object,
          workspace: query.workspace,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          before,
        },
        query.limit + 1,
      );
      return toPage(rows, query.limit, (row) => `${row.occurredAt.toISOString()}|${row.id}`, toAuditEvent);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

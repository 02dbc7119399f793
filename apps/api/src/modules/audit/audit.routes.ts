import { Readable } from 'node:stream';
import { type AuditEvent, auditEndpoints } from '@slipway/contracts';
import { stringify } from 'csv-stringify';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint, registerStreamingEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { AuditService } from './audit.service.ts';

/** The CSV export's columns, in order: the entry's fields, its detail as JSON last. */
const CSV_COLUMNS: { header: string; value: (event: AuditEvent) => string | number | null }[] = [
  { header: 'occurred_at', value: (e) => e.occurredAt },
  { header: 'actor', value: (e) => e.actor },
  { header: 'actor_via', value: (e) => e.actorVia },
  { header: 'action', value: (e) => e.action },
  { header: 'object_type', value: (e) => e.objectType },
  { header: 'object_name', value: (e) => e.objectName },
  { header: 'workspace', value: (e) => e.workspace },
  { header: 'project', value: (e) => e.project },
  { header: 'outcome', value: (e) => e.outcome },
  { header: 'status_code', value: (e) => e.statusCode },
  { header: 'ip_address', value: (e) => e.ipAddress },
  { header: 'request_id', value: (e) => e.requestId },
  { header: 'id', value: (e) => e.id },
  { header: 'detail', value: (e) => (e.detail ? JSON.stringify(e.detail) : null) },
];

export function registerAuditRoutes(app: FastifyInstance, deps: { audit: AuditService }): void {
  registerEndpoint(app, auditEndpoints.list, (request) => deps.audit.list(actorOf(request), request.query));
  registerEndpoint(app, auditEndpoints.get, (request) => deps.audit.get(actorOf(request), request.params.id));

  // RFC 4180 through csv-stringify (quotes, embedded quotes, line breaks), with cells that
  // a spreadsheet would run as a formula (= + - @ …) escaped; streamed page by page.
  registerStreamingEndpoint(app, auditEndpoints.export, async (request, reply) => {
    const events = await deps.audit.export(actorOf(request), request.query);
    const records = Readable.from(
      (async function* () {
        for await (const event of events) yield CSV_COLUMNS.map((column) => column.value(event));
      })(),
    );
    const csv = records.pipe(
      stringify({
        header: true,
        columns: CSV_COLUMNS.map((column) => column.header),
        escape_formulas: true,
        record_delimiter: 'windows',
      }),
    );
    records.on('error', (error) => csv.destroy(error));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="slipway-audit-${stamp}.csv"`)
      .send(csv);
  });
}

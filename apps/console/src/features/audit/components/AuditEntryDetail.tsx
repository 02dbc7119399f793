import type { AuditEvent } from '@slipway/contracts';

function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Everything one audit entry says: who, what, where, outcome, and what the write changed. */
export function AuditEntryDetail({ event }: { event: AuditEvent }) {
  const changes = Object.entries(event.detail?.changes ?? {});
  const values = Object.entries(event.detail?.values ?? {});
  const fields = event.detail?.fields ?? [];
  const facts: [string, string][] = [
    ['When', new Date(event.occurredAt).toLocaleString()],
    ['Who', `${event.actor ?? 'anonymous'} (${event.actorVia})`],
    ['Action', event.action],
    ['Object', `${event.objectType}${event.objectName ? ` ${event.objectName}` : ''}`],
    ['Workspace', event.workspace ?? '—'],
    ['Project', event.project ?? '—'],
    ['Outcome', `${event.outcome} (${event.statusCode})`],
    ['From', event.ipAddress ?? '—'],
    ['Request id', event.requestId],
  ];
  return (
    <div className="form audit-entry" data-testid="audit-entry">
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Changes</h3>
      {changes.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Changes">
            <thead>
              <tr>
                <th>Field</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {changes.map(([field, change]) => (
                <tr key={field}>
                  <td>
                    <code>{field}</code>
                  </td>
                  <td className="small">{shown(change.before)}</td>
                  <td className="small">{shown(change.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No before → after recorded for this entry.</p>
      )}
      {values.length > 0 ? (
        <>
          <h3>Values sent</h3>
          <dl className="facts" aria-label="Values sent">
            {values.map(([field, value]) => (
              <div key={field}>
                <dt>{field}</dt>
                <dd>{shown(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {fields.length > 0 ? (
        <p className="small muted">Fields sent: {fields.join(', ')} (values of secrets are never recorded)</p>
      ) : null}
    </div>
  );
}

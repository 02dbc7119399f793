import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';
import {
  type AuditFilters,
  auditExportHref,
  useAuditEvent,
  useAuditEvents,
} from '../../features/audit/api/audit.ts';
import { AuditEntryDetail } from '../../features/audit/components/AuditEntryDetail.tsx';

/** The entry opened from the table (`?entry=<id>`, so it can be linked to). */
function AuditEntryModal({ id, onClose }: { id: string | null; onClose: () => void }) {
  const entry = useAuditEvent(id);
  return (
    <Modal title="Audit entry" open={id !== null} onClose={onClose}>
      {entry.isPending ? <Loading /> : null}
      <ErrorNotice error={entry.error} />
      {entry.data ? <AuditEntryDetail event={entry.data} /> : null}
    </Modal>
  );
}

const FILTERS = [
  ['actor', 'Actor'],
  ['action', 'Action'],
  ['object', 'Object'],
  ['workspace', 'Workspace'],
] as const;
const TIME_FILTERS = [
  ['from', 'From'],
  ['to', 'To'],
] as const;

export function AuditPage() {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useAuditEvents(filters);
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const [search, setSearch] = useSearchParams();
  const opened = search.get('entry');
  const open = (id: string | null) =>
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('entry', id);
        else next.delete('entry');
        return next;
      },
      { replace: id === null },
    );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">
        Every change and every refused attempt, newest first. Entries cannot be edited or deleted.
      </p>
      <form
        className="filters"
        aria-label="audit filters"
        onSubmit={(event) => {
          event.preventDefault();
          const chosen = Object.entries(draft).filter(([, value]) => value);
          // datetime-local has no zone: it is the user's local time.
          setFilters(
            Object.fromEntries(
              chosen.map(([key, value]) => [
                key,
                key === 'from' || key === 'to' ? new Date(value).toISOString() : value,
              ]),
            ),
          );
        }}
      >
        {FILTERS.map(([key, label]) => (
          <TextField
            key={key}
            label={label}
            value={draft[key] ?? ''}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
          />
        ))}
        {TIME_FILTERS.map(([key, label]) => (
          <TextField
            key={key}
            label={label}
            type="datetime-local"
            value={draft[key] ?? ''}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
          />
        ))}
        <button type="submit" className="button">
          Filter
        </button>
        <a className="button" href={auditExportHref(filters)} download>
          Export CSV
        </a>
      </form>
      {events.isPending ? <Loading /> : null}
      <ErrorNotice error={events.error} />
      <div className="table-scroll">
        <table className="table" aria-label="Audit events">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Object</th>
              <th>Outcome</th>
              <th>From</th>
              <th>
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((event) => (
              <tr key={event.id} className="clickable-row" onClick={() => open(event.id)}>
                <td className="small">{new Date(event.occurredAt).toLocaleString()}</td>
                <td>
                  {event.actor ?? <span className="muted">anonymous</span>}{' '}
                  <span className="muted small">{event.actorVia}</span>
                </td>
                <td>
                  <code>{event.action}</code>
                </td>
                <td className="small">{event.objectName}</td>
                <td>
                  <span className={`badge ${event.outcome === 'allowed' ? 'badge-ok' : 'badge-error'}`}>
                    {event.outcome}
                  </span>{' '}
                  <span className="muted small">{event.statusCode}</span>
                </td>
                <td className="small">{event.ipAddress}</td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Open ${event.action} by ${event.actor ?? 'anonymous'} at ${new Date(event.occurredAt).toLocaleString()}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      open(event.id);
                    }}
                  >
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.hasNextPage ? (
        <button type="button" className="button" onClick={() => events.fetchNextPage()}>
          Load more
        </button>
      ) : null}
      <AuditEntryModal id={opened} onClose={() => open(null)} />
    </section>
  );
}

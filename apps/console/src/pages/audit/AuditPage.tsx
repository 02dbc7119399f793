import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
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

type AuditEvent = NonNullable<ReturnType<typeof useAuditEvents>['data']>['pages'][number]['items'][number];

function auditColumns(open: (id: string) => void): ListColumn<AuditEvent>[] {
  return [
    { header: 'When', className: 'small', cell: (event) => new Date(event.occurredAt).toLocaleString() },
    {
      header: 'Who',
      cell: (event) => (
        <>
          {event.actor ?? <span className="muted">anonymous</span>}{' '}
          <span className="muted small">{event.actorVia}</span>
        </>
      ),
    },
    { header: 'Action', cell: (event) => <code>{event.action}</code> },
    { header: 'Object', className: 'small', cell: (event) => event.objectName },
    {
      header: 'Outcome',
      cell: (event) => (
        <>
          <span className={`badge ${event.outcome === 'allowed' ? 'badge-ok' : 'badge-error'}`}>
            {event.outcome}
          </span>{' '}
          <span className="muted small">{event.statusCode}</span>
        </>
      ),
    },
    { header: 'From', className: 'small', cell: (event) => event.ipAddress },
    {
      header: <span className="visually-hidden">Open</span>,
      cell: (event) => (
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
      ),
    },
  ];
}

export function AuditPage() {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useAuditEvents(filters);
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
  const columns = auditColumns(open);
  return (
    <ListPage
      title="Audit log"
      description="Every change and every refused attempt, newest first. Entries cannot be edited or deleted."
      filters={
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
      }
      query={events}
      errorTitle="Cannot read the audit log"
      items={events.data?.pages.flatMap((page) => page.items)}
      columns={columns}
      rowKey={(event) => event.id}
      onRowClick={(event) => open(event.id)}
      paging={events}
      label="Audit events"
      empty={{ title: 'No entries match these filters.' }}
    >
      <AuditEntryModal id={opened} onClose={() => open(null)} />
    </ListPage>
  );
}

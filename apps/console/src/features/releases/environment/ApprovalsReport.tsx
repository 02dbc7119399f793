import type { ApprovalsReportRowSchema } from '@slipway/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import { paths } from '../../../app/paths.ts';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { TextField } from '../../../components/TextField.tsx';
import { formatTime } from '../../runs/format.ts';
import type { ApprovalsReportFilters } from '../api/keys.ts';
import { approvalsReportCsvHref, useApprovalsReport } from '../api/queries.ts';
import { ReleaseStatusBadge } from '../components/ReleaseStatusBadge.tsx';

type ReportRow = z.infer<typeof ApprovalsReportRowSchema>;

/** Flags that mean policy was bent (red); `no-approval-required` is informational. */
const WARNING_FLAGS = new Set(['freeze-broken', 'admin-override', 'self-approved']);

const names = (list: readonly string[]) => (list.length ? list.join(', ') : '—');

function reportColumns(workspace: string): ListColumn<ReportRow>[] {
  return [
    {
      header: 'Project',
      cell: (row) => <Link to={paths.project(workspace, row.project)}>{row.project}</Link>,
    },
    {
      header: 'Release',
      cell: (row) => (
        <Link to={paths.release({ workspace, project: row.project, number: row.release })}>
          #{row.release}
        </Link>
      ),
    },
    { header: 'Status', cell: (row) => <ReleaseStatusBadge status={row.status} /> },
    { header: 'Trigger', cell: (row) => row.trigger },
    {
      header: 'Started by',
      cell: (row) => (
        <>
          {row.createdBy}
          <div className="muted small">{formatTime(row.createdAt)}</div>
        </>
      ),
    },
    { header: 'Required', cell: (row) => row.required },
    { header: 'Approved by', cell: (row) => names(row.approvedBy) },
    { header: 'Rejected by', cell: (row) => names(row.rejectedBy) },
    {
      header: 'Flags',
      cell: (row) =>
        row.flags.map((flag) => (
          <span key={flag} className={`badge ${WARNING_FLAGS.has(flag) ? 'badge-error' : ''}`}>
            {flag}
          </span>
        )),
    },
    {
      header: 'Freeze break',
      cell: (row) =>
        row.freezeBreak ? (
          <>
            {row.freezeBreak.reason}
            <div className="muted small">by {row.freezeBreak.by}</div>
          </>
        ) : (
          '—'
        ),
    },
  ];
}

/** A `datetime-local` value (the user's local time, no zone) as an ISO timestamp, or nothing. */
function isoOrNothing(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/**
 * The environment's approvals report (separation of duties): per release, newest first, who
 * started it, who approved or rejected it, and badges where policy was bent (a broken freeze,
 * an admin override, a self-approval) or no approval was required; an optional period and
 * the same report as a CSV download.
 */
export function ApprovalsReport({ workspace, environment }: { workspace: string; environment: string }) {
  const [draft, setDraft] = useState({ since: '', until: '' });
  const [filters, setFilters] = useState<ApprovalsReportFilters>({});
  const report = useApprovalsReport(workspace, environment, filters);
  return (
    <>
      <h2>Approvals report</h2>
      <ListSection
        label="Approvals report"
        filters={
          <form
            className="filters"
            aria-label="approvals report filters"
            onSubmit={(event) => {
              event.preventDefault();
              const since = isoOrNothing(draft.since);
              const until = isoOrNothing(draft.until);
              setFilters({ ...(since ? { since } : {}), ...(until ? { until } : {}) });
            }}
          >
            <TextField
              label="Since"
              type="datetime-local"
              value={draft.since}
              onChange={(e) => setDraft({ ...draft, since: e.target.value })}
            />
            <TextField
              label="Until"
              type="datetime-local"
              value={draft.until}
              onChange={(e) => setDraft({ ...draft, until: e.target.value })}
            />
            <button type="submit" className="button">
              Filter
            </button>
            <a className="button" href={approvalsReportCsvHref(workspace, environment, filters)} download>
              Download CSV
            </a>
          </form>
        }
        query={report}
        errorTitle="Cannot read the approvals report"
        items={report.data?.items}
        columns={reportColumns(workspace)}
        rowKey={(row) => `${row.project}#${row.release}`}
        empty={{ title: 'No releases in this period.' }}
      />
    </>
  );
}

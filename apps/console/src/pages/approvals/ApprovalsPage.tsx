import type { ApprovalItem } from '@slipway/contracts';
import { Link, useSearchParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import { SelectField, TextField } from '../../components/TextField.tsx';
import type { ApprovalFilters } from '../../features/approvals/api/keys.ts';
import { useApprovals } from '../../features/approvals/api/queries.ts';
import { approvalProgress, approvalSubject } from '../../features/approvals/approval-format.ts';
import { formatTime } from '../../features/runs/format.ts';
import { useWorkspaces } from '../../features/workspaces/api/queries.ts';

const STATUSES = [
  { value: 'pending', label: 'Pending' },
  { value: 'decided', label: 'Decided' },
  { value: 'all', label: 'All' },
] as const;
const KINDS = [
  { value: '', label: 'Deploys and gates' },
  { value: 'deploy', label: 'Deploy approvals' },
  { value: 'gate', label: 'Pipeline gates' },
] as const;

/** The inbox's filters from the URL (`?status=&kind=&workspace=&environment=`), so a filtered view is a link. */
function useFilters() {
  const [search, setSearch] = useSearchParams();
  const status = search.get('status');
  const kind = search.get('kind');
  const filters: ApprovalFilters = {
    ...(status === 'decided' || status === 'all' ? { status } : {}),
    ...(kind === 'deploy' || kind === 'gate' ? { kind } : {}),
    ...(search.get('workspace') ? { workspace: search.get('workspace') ?? '' } : {}),
    ...(search.get('environment') ? { environment: search.get('environment') ?? '' } : {}),
  };
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  return { filters, set, status: status ?? 'pending' };
}

function StatusBadge({ item }: { item: ApprovalItem }) {
  const tone = item.status === 'approved' ? 'badge-ok' : item.status === 'pending' ? '' : 'badge-error';
  return <span className={`badge ${tone}`}>{item.status}</span>;
}

const columns: ListColumn<ApprovalItem>[] = [
  {
    header: 'Request',
    cell: (item) => (
      <>
        <Link to={paths.approval(item.id)}>{approvalSubject(item)}</Link>{' '}
        <span className="badge">{item.kind}</span>
        {item.releaseType ? <div className="muted small">release type {item.releaseType}</div> : null}
      </>
    ),
  },
  {
    header: 'Where',
    cell: (item) => (
      <>
        {item.workspace} / {item.project}
        <div className="muted small">into {item.environment}</div>
      </>
    ),
  },
  {
    header: 'Requested',
    cell: (item) => (
      <>
        {item.requestedBy}
        <div className="muted small">{formatTime(item.requestedAt)}</div>
      </>
    ),
  },
  {
    header: 'Approvals',
    cell: (item) => (
      <>
        <StatusBadge item={item} /> {approvalProgress(item)}
        <div className="muted small">role {item.approverRole}</div>
      </>
    ),
  },
  {
    header: 'Expires',
    cell: (item) => (item.expiresAt ? formatTime(item.expiresAt) : <span className="muted">—</span>),
  },
  {
    header: 'You',
    cell: (item) =>
      item.canDecide ? (
        <span className="badge badge-ok">your decision</span>
      ) : (
        <span className="muted small">{item.reason ?? '—'}</span>
      ),
  },
];

/** The approvals inbox: deploys held by their environment's policy and pipeline gates, across workspaces. */
export function ApprovalsPage() {
  const { filters, set, status } = useFilters();
  const approvals = useApprovals(filters);
  const workspaces = useWorkspaces();
  const workspaceOptions = (workspaces.data?.pages.flatMap((page) => page.items) ?? []).map((w) => ({
    value: w.slug,
    label: w.name,
  }));
  return (
    <ListPage
      title="Approvals"
      description="Production deploys and pipeline gates waiting for a decision, across the workspaces you can read."
      filters={
        <search className="filters" aria-label="Filter approvals">
          <SelectField
            label="Status"
            value={status}
            options={STATUSES}
            onChange={(event) => set('status', event.target.value === 'pending' ? '' : event.target.value)}
          />
          <SelectField
            label="Kind"
            value={filters.kind ?? ''}
            options={KINDS}
            onChange={(event) => set('kind', event.target.value)}
          />
          <SelectField
            label="Workspace"
            value={filters.workspace ?? ''}
            options={[{ value: '', label: 'All workspaces' }, ...workspaceOptions]}
            onChange={(event) => set('workspace', event.target.value)}
          />
          <TextField
            label="Environment"
            value={filters.environment ?? ''}
            placeholder="any"
            onChange={(event) => set('environment', event.target.value.trim())}
          />
        </search>
      }
      query={approvals}
      errorTitle="Cannot list approvals"
      items={approvals.data?.items}
      columns={columns}
      rowKey={(item) => item.id}
      label="Approval requests"
      empty={{
        title: status === 'pending' ? 'Nothing waits for a decision' : 'No request matches',
        body:
          status === 'pending'
            ? 'Deploys into environments whose policy needs approval, and pipeline gates, show here.'
            : 'Change the filters to see more.',
      }}
    />
  );
}

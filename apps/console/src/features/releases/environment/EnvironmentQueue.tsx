import type { Release } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { formatTime } from '../../runs/format.ts';
import { useEnvironmentQueue } from '../api/queries.ts';
import { ReleaseStatusBadge } from '../components/ReleaseStatusBadge.tsx';
import { ReleaseLink, ReleaseOrigin } from '../components/release-columns.tsx';

function queueColumns(workspace: string): ListColumn<Release>[] {
  return [
    {
      header: 'Release',
      cell: (release) => <ReleaseLink workspace={workspace} release={release} withProject />,
    },
    {
      header: 'Status',
      cell: (release) => (
        <>
          <ReleaseStatusBadge status={release.status} />
          {release.holdReason ? <div className="small release-hold">{release.holdReason}</div> : null}
          {release.approval?.status === 'pending' ? (
            <div className="small">
              <Link to={paths.approval(release.approval.id)}>approval request</Link>
            </div>
          ) : null}
        </>
      ),
    },
    { header: 'Image', cell: (release) => (release.image ? <code>{release.image}</code> : '—') },
    { header: 'From', cell: (release) => <ReleaseOrigin workspace={workspace} release={release} /> },
    { header: 'Created by', cell: (release) => release.createdBy },
    { header: 'Queued', className: 'small', cell: (release) => formatTime(release.createdAt) },
  ];
}

/**
 * The environment's deploy queue: the release deploying now, then the waiting ones in the
 * order they will go (one at a time per environment), each with why it waits, and why the
 * whole queue is held (lock, freeze window) when it is.
 */
export function EnvironmentQueue({ workspace, environment }: { workspace: string; environment: string }) {
  const queue = useEnvironmentQueue(workspace, environment, true);
  return (
    <>
      <h2>Queue</h2>
      {queue.data?.held ? (
        <p className="notice notice-info" data-testid="queue-held">
          Held: {queue.data.held}
        </p>
      ) : null}
      <ListSection
        label="Deploy queue"
        query={queue}
        errorTitle="Cannot read the queue"
        items={queue.data?.items}
        columns={queueColumns(workspace)}
        rowKey={(release) => `${release.project}#${release.number}`}
        empty={{ title: 'Nothing deploys or waits here.' }}
      />
    </>
  );
}

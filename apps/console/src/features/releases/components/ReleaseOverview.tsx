import type { Release } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { elapsed, formatTime } from '../../runs/format.ts';
import { useNow } from '../../runs/use-now.ts';
import { isDeploying } from '../api/queries.ts';
import { manifestsLabel } from '../release-format.ts';
import { ReleasePolicy } from './ReleasePolicy.tsx';
import { ReleaseStatusBadge } from './ReleaseStatusBadge.tsx';
import { ReleaseOrigin } from './release-columns.tsx';

/** A release's parts (image, manifests, config versions), status with its message, who and when. */
export function ReleaseOverview({ workspace, release }: { workspace: string; release: Release }) {
  const now = useNow(isDeploying(release.status));
  return (
    <>
      <dl className="properties">
        <dt>Status</dt>
        <dd>
          <ReleaseStatusBadge status={release.status} />
          {release.holdReason ? (
            <p className="release-hold" data-testid="hold-reason">
              Waiting: {release.holdReason}
            </p>
          ) : null}
          {release.message ? <p className="release-message">{release.message}</p> : null}
        </dd>
        <dt>Environment</dt>
        <dd>
          <Link to={paths.environment(workspace, release.environment)}>{release.environment}</Link>
        </dd>
        <dt>Image</dt>
        <dd>
          {release.image ? <code>{release.image}</code> : '—'}
          {release.imageDigest ? (
            <>
              {' '}
              <code className="small">{release.imageDigest}</code>
            </>
          ) : null}
        </dd>
        <dt>Manifests</dt>
        <dd>{manifestsLabel(release)}</dd>
        <dt>Config</dt>
        <dd>
          {release.config.length === 0 ? '—' : null}
          {release.config.map((config) => (
            <div key={config.name}>
              {config.name} v{config.version} <code>{config.configMapName}</code>
            </div>
          ))}
        </dd>
        <dt>Trigger</dt>
        <dd>{release.trigger}</dd>
        <dt>{release.run ? 'Run' : 'Made by'}</dt>
        <dd>
          <ReleaseOrigin workspace={workspace} release={release} />
        </dd>
        <dt>Commit</dt>
        <dd>{release.commit ? <code>{release.commit}</code> : '—'}</dd>
        <dt>Created by</dt>
        <dd>{release.createdBy}</dd>
        <dt>Created</dt>
        <dd>{formatTime(release.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(release.startedAt) || '—'}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(release.finishedAt) || '—'}</dd>
        <dt>Duration</dt>
        <dd>{elapsed(release.startedAt, release.finishedAt, now) || '—'}</dd>
      </dl>
      <ReleasePolicy release={release} />
    </>
  );
}

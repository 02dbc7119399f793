import type { Release } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import type { ListColumn } from '../../../components/page/ListPage.tsx';
import { elapsed, formatTime } from '../../runs/format.ts';
import { configLabel, manifestsLabel } from '../release-format.ts';
import { ReleaseStatusBadge } from './ReleaseStatusBadge.tsx';
import '../releases.css';

/** The link to a release's page, `#number` (with the project when the list spans projects). */
export function ReleaseLink(props: { workspace: string; release: Release; withProject?: boolean }) {
  const { release } = props;
  return (
    <Link
      to={paths.release({ workspace: props.workspace, project: release.project, number: release.number })}
    >
      {props.withProject ? `${release.project} ` : ''}#{release.number}
    </Link>
  );
}

/**
 * The link to the run whose deploy step made a release; "rollback to #n" for a rollback (and
 * an automatic one), "promoted from <environment> #n" for a promotion.
 */
export function ReleaseOrigin(props: { workspace: string; release: Release }) {
  const { release } = props;
  if (release.run) {
    const ref = { workspace: props.workspace, project: release.project, ...release.run };
    return (
      <Link to={paths.run(ref)}>
        {release.run.pipeline} #{release.run.number}
      </Link>
    );
  }
  if (release.promotedFrom) {
    const source = {
      workspace: props.workspace,
      project: release.project,
      number: release.promotedFrom.number,
    };
    return (
      <>
        promoted from {release.promotedFrom.environment}{' '}
        <Link className="release-text-link" to={paths.release(source)}>
          #{release.promotedFrom.number}
        </Link>
      </>
    );
  }
  if (release.rollbackOf !== null) {
    const target = { workspace: props.workspace, project: release.project, number: release.rollbackOf };
    return (
      <>
        {release.trigger === 'auto-rollback' ? 'automatic rollback to' : 'rollback to'}{' '}
        <Link className="release-text-link" to={paths.release(target)}>
          #{release.rollbackOf}
        </Link>
      </>
    );
  }
  return null;
}

/**
 * The columns of a release history. `across` names the dimension the list spans: a project's
 * history shows each release's environment, an environment's history each release's project.
 * Durations of deploying releases count to `now` (ms since the epoch).
 */
export function releaseColumns(
  workspace: string,
  across: 'environments' | 'projects',
  now: number,
): ListColumn<Release>[] {
  return [
    {
      header: 'Release',
      cell: (release) => (
        <ReleaseLink workspace={workspace} release={release} withProject={across === 'projects'} />
      ),
    },
    across === 'environments'
      ? {
          header: 'Environment',
          cell: (release) => (
            <Link to={paths.environment(workspace, release.environment)}>{release.environment}</Link>
          ),
        }
      : {
          header: 'Project',
          cell: (release) => <Link to={paths.project(workspace, release.project)}>{release.project}</Link>,
        },
    { header: 'Status', cell: (release) => <ReleaseStatusBadge status={release.status} /> },
    { header: 'Image', cell: (release) => (release.image ? <code>{release.image}</code> : '—') },
    { header: 'Manifests', cell: (release) => manifestsLabel(release) },
    { header: 'Config', cell: (release) => configLabel(release) || '—' },
    { header: 'Run', cell: (release) => <ReleaseOrigin workspace={workspace} release={release} /> },
    { header: 'Created by', cell: (release) => release.createdBy },
    { header: 'Created', className: 'small', cell: (release) => formatTime(release.createdAt) },
    {
      header: 'Duration',
      className: 'small',
      cell: (release) => elapsed(release.startedAt, release.finishedAt, now),
    },
  ];
}

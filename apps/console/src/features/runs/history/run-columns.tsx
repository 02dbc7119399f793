import type { RunSummary } from '@slipway/contracts';
import { Link } from 'react-router';
import { type PipelineRef, paths } from '../../../app/paths.ts';
import type { ListColumn } from '../../../components/page/ListPage.tsx';
import { RunStatusBadge } from '../components/RunStatusBadge.tsx';
import { elapsed, formatTime } from '../format.ts';

/** The run history's columns; durations of running runs count to `now` (ms since the epoch). */
export function runColumns(target: PipelineRef, now: number): ListColumn<RunSummary>[] {
  return [
    {
      header: 'Run',
      cell: (run) => <Link to={paths.run({ ...target, number: run.number })}>#{run.number}</Link>,
    },
    { header: 'Status', cell: (run) => <RunStatusBadge status={run.status} /> },
    { header: 'Release type', cell: (run) => run.releaseType },
    { header: 'Environment', cell: (run) => run.environment },
    {
      header: 'Branch / commit',
      cell: (run) => (
        <>
          {run.ref} {run.commit ? <code>{run.commit.slice(0, 8)}</code> : null}
        </>
      ),
    },
    {
      header: 'Started by',
      cell: (run) => (
        <>
          {run.triggeredBy}{' '}
          {run.trigger !== 'manual' ? (
            <span className="muted small">
              {run.trigger}
              {run.retryOf ? ` of #${run.retryOf}` : ''}
            </span>
          ) : null}
        </>
      ),
    },
    { header: 'Started', className: 'small', cell: (run) => formatTime(run.startedAt ?? run.createdAt) },
    { header: 'Duration', className: 'small', cell: (run) => elapsed(run.startedAt, run.finishedAt, now) },
  ];
}

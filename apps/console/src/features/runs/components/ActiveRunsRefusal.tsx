import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { activeRunsOf, cancelAndDeleteLabel } from '../active-runs.ts';
import { RunStatusBadge } from './RunStatusBadge.tsx';

/**
 * Under a delete refused because runs are active: the runs, linked, and (when cancelling
 * them lets the delete go through) a button that retries the delete with cancelRuns=true.
 * Renders nothing for any other error.
 */
export function ActiveRunsRefusal(props: {
  error: unknown;
  pending: boolean;
  /** False when something else stops the delete too (a cluster environments still use). */
  canCancel?: boolean;
  onCancelRuns: () => void;
}) {
  const runs = activeRunsOf(props.error);
  if (runs.length === 0) return null;
  return (
    <section className="active-runs" aria-label="Active runs">
      <p>
        {runs.length === 1 ? 'This run is' : 'These runs are'} still active
        {props.canCancel === false ? '.' : '; cancel them to delete now.'}
      </p>
      <ul>
        {runs.map((run) => (
          <li key={run.id}>
            <Link to={paths.run(run)}>
              {run.workspace}/{run.project}/{run.pipeline} #{run.number}
            </Link>{' '}
            <RunStatusBadge status={run.status} />
          </li>
        ))}
      </ul>
      {props.canCancel === false ? null : (
        <button
          type="button"
          className="button button-danger"
          disabled={props.pending}
          onClick={props.onCancelRuns}
        >
          {props.pending ? 'Cancelling…' : cancelAndDeleteLabel(runs.length)}
        </button>
      )}
    </section>
  );
}

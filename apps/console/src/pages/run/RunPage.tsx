import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import type { RunRef } from '../../features/runs/api/keys.ts';
import { RunStatusBadge } from '../../features/runs/components/RunStatusBadge.tsx';
import { RunActions } from '../../features/runs/run/RunActions.tsx';
import { RunJobs } from '../../features/runs/run/RunJobs.tsx';
import { RunSummary } from '../../features/runs/run/RunSummary.tsx';
import { useLiveRun } from '../../features/runs/run/use-live-run.ts';

/** One run: its stages and jobs live, a job's steps, a step's log, and what can be done. */
export function RunPage() {
  const params = useParams();
  const target: RunRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
    number: Number(params.number),
  };
  const { workspace, project, pipeline, number } = target;
  const { run, feed, active, now } = useLiveRun(target);

  return (
    <section aria-labelledby="run-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.project(workspace, project)}>{project}</Link> /{' '}
        <Link to={paths.pipeline({ workspace, project, pipeline })}>{pipeline}</Link> /{' '}
        <Link to={paths.runs(target)}>runs</Link> / <span>#{number}</span>
      </nav>
      {run.isPending ? <Loading /> : null}
      <ErrorNotice error={run.error} />
      {run.data ? (
        <>
          <div className="page-header">
            <div>
              <h1 id="run-title">
                Run #{run.data.number} <RunStatusBadge status={run.data.status} />
              </h1>
              <p className="muted">
                {run.data.releaseType} in {run.data.environment}
                {active ? ' · updating live' : ''}
              </p>
              {run.data.status === 'rejected' && run.data.message ? (
                <p className="notice notice-error" data-testid="run-outcome">
                  {run.data.message}
                </p>
              ) : null}
            </div>
            <RunActions target={target} run={run.data} />
          </div>
          <RunSummary target={target} run={run.data} now={now} />
          <RunJobs target={target} run={run.data} feed={feed} now={now} />
        </>
      ) : null}
    </section>
  );
}

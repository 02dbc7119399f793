import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import type { PipelineRef } from '../../features/runs/api/keys.ts';
import { RunDialog } from '../../features/runs/dialog/RunDialog.tsx';
import { RunFilters } from '../../features/runs/history/RunFilters.tsx';
import { runColumns } from '../../features/runs/history/run-columns.tsx';
import { useRunHistory } from '../../features/runs/history/use-run-history.ts';

/** A pipeline's run history with filters, and the Run button. */
export function RunsPage() {
  const params = useParams();
  const target: PipelineRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
  };
  const { workspace, project, pipeline } = target;
  const history = useRunHistory(target);
  const { runs } = history;
  const items = history.items ?? [];
  const [running, setRunning] = useState(false);
  const columns = runColumns(target, history.now);
  return (
    <section aria-labelledby="runs-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.project(workspace, project)}>{project}</Link> /{' '}
        <Link to={paths.pipeline({ workspace, project, pipeline })}>{pipeline}</Link> / <span>runs</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="runs-title">Runs of {pipeline}</h1>
          <p className="muted">Newest first. Open a run for its stages, logs and approvals.</p>
        </div>
        <div className="actions">
          <Gate permission="pipeline.run" workspace={workspace} project={project} mode="disable">
            <button type="button" className="button button-primary" onClick={() => setRunning(true)}>
              Run
            </button>
          </Gate>
        </div>
      </div>
      <RunFilters target={target} releaseTypes={history.releaseTypes} onApply={history.setFilters} />
      {runs.isPending ? <Loading /> : null}
      <ErrorNotice error={runs.error} />
      {runs.isSuccess && items.length === 0 ? (
        <p className="empty">
          {history.filtered ? 'No run matches these filters.' : 'No runs yet: click Run.'}
        </p>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Runs">
            <thead>
              <tr>
                {columns.map((column, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
                  <th key={index}>{column.header}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((run) => (
                <tr key={run.number}>
                  {columns.map((column, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
                    <td key={index} className={column.className}>
                      {column.cell(run)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {runs.hasNextPage ? (
        <button
          type="button"
          className="button"
          disabled={runs.isFetchingNextPage}
          onClick={() => runs.fetchNextPage()}
        >
          {runs.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      <RunDialog target={target} open={running} onClose={() => setRunning(false)} />
    </section>
  );
}

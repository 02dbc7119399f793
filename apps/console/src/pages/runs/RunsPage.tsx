import { RUN_STATUSES, type RunStatus, type RunSummary } from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useEnvironments } from '../../features/environments/api/queries.ts';
import { usePipeline } from '../../features/pipelines/api/pipelines.ts';
import type { PipelineRef, RunFilters } from '../../features/runs/api/keys.ts';
import { isFinished, useRuns } from '../../features/runs/api/queries.ts';
import { RunDialog } from '../../features/runs/components/RunDialog.tsx';
import { RunStatusBadge } from '../../features/runs/components/RunStatusBadge.tsx';
import { releaseTypesOf, runnableSpec } from '../../features/runs/components/run-form.ts';
import { elapsed, formatTime } from '../../features/runs/format.ts';
import { useNow } from '../../features/runs/use-now.ts';

function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">Any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

function Filters(props: {
  target: PipelineRef;
  releaseTypes: readonly string[];
  onApply: (filters: RunFilters) => void;
}) {
  const environments = useEnvironments(props.target.workspace);
  const [draft, setDraft] = useState({ status: '', releaseType: '', environment: '', triggeredBy: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply({
      ...(draft.status ? { status: draft.status as RunStatus } : {}),
      ...(draft.releaseType ? { releaseType: draft.releaseType } : {}),
      ...(draft.environment ? { environment: draft.environment } : {}),
      ...(draft.triggeredBy.trim() ? { triggeredBy: draft.triggeredBy.trim() } : {}),
    });
  };
  const set = (key: keyof typeof draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form className="filters" aria-label="run filters" onSubmit={submit}>
      <FilterSelect label="Status" value={draft.status} options={RUN_STATUSES} onChange={set('status')} />
      <FilterSelect
        label="Release type"
        value={draft.releaseType}
        options={props.releaseTypes}
        onChange={set('releaseType')}
      />
      <FilterSelect
        label="Environment"
        value={draft.environment}
        options={(environments.data?.items ?? []).map((env) => env.name)}
        onChange={set('environment')}
      />
      <TextField
        label="Started by"
        value={draft.triggeredBy}
        onChange={(event) => set('triggeredBy')(event.target.value)}
      />
      <button type="submit" className="button">
        Filter
      </button>
    </form>
  );
}

function RunRow({ run, base, now }: { run: RunSummary; base: string; now: number }) {
  return (
    <tr>
      <td>
        <Link to={`${base}/${run.number}`}>#{run.number}</Link>
      </td>
      <td>
        <RunStatusBadge status={run.status} />
      </td>
      <td>{run.releaseType}</td>
      <td>{run.environment}</td>
      <td>
        {run.ref} {run.commit ? <code>{run.commit.slice(0, 8)}</code> : null}
      </td>
      <td>
        {run.triggeredBy}{' '}
        {run.trigger !== 'manual' ? (
          <span className="muted small">
            {run.trigger}
            {run.retryOf ? ` of #${run.retryOf}` : ''}
          </span>
        ) : null}
      </td>
      <td className="small">{formatTime(run.startedAt ?? run.createdAt)}</td>
      <td className="small">{elapsed(run.startedAt, run.finishedAt, now)}</td>
    </tr>
  );
}

/** A pipeline's run history with filters, and the Run button. */
export function RunsPage() {
  const params = useParams();
  const target: PipelineRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
  };
  const { workspace, project, pipeline } = target;
  const definition = usePipeline(workspace, project, pipeline);
  const spec = definition.data ? runnableSpec(definition.data) : undefined;
  const [filters, setFilters] = useState<RunFilters>({});
  const runs = useRuns(target, filters);
  const [running, setRunning] = useState(false);
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const now = useNow(items.some((run) => !isFinished(run.status)));
  const base = paths.runs({ workspace, project, pipeline });
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
      <Filters target={target} releaseTypes={spec ? releaseTypesOf(spec) : []} onApply={setFilters} />
      {runs.isPending ? <Loading /> : null}
      <ErrorNotice error={runs.error} />
      {runs.isSuccess && items.length === 0 ? (
        <p className="empty">
          {Object.keys(filters).length > 0 ? 'No run matches these filters.' : 'No runs yet: click Run.'}
        </p>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Release type</th>
                <th>Environment</th>
                <th>Branch / commit</th>
                <th>Started by</th>
                <th>Started</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((run) => (
                <RunRow key={run.number} run={run} base={base} now={now} />
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

import type { JobRun } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import type { RunRef } from '../../features/runs/api/keys.ts';
import { LiveLogFeed } from '../../features/runs/api/live-log-feed.ts';
import { isFinished, jobKey, useRun } from '../../features/runs/api/queries.ts';
import { useRunEvents } from '../../features/runs/api/run-events.ts';
import { ApprovalPanel } from '../../features/runs/components/ApprovalPanel.tsx';
import { JobSteps } from '../../features/runs/components/JobSteps.tsx';
import { RunActions } from '../../features/runs/components/RunActions.tsx';
import { RunStatusBadge } from '../../features/runs/components/RunStatusBadge.tsx';
import { StageGraph } from '../../features/runs/components/StageGraph.tsx';
import { LogViewer } from '../../features/runs/logs/LogViewer.tsx';
import { useNow } from '../../features/runs/use-now.ts';
import { RunSummary } from './RunSummary.tsx';

/** The job to show when the URL names none: what needs attention first. */
function defaultJob(jobs: readonly JobRun[]): JobRun | undefined {
  for (const status of ['waiting', 'rejected', 'failed', 'running'] as const) {
    const job = jobs.find((candidate) => candidate.status === status);
    if (job) return job;
  }
  return jobs[0];
}

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
  const run = useRun(target);
  const [feed] = useState(() => new LiveLogFeed());
  const active = run.data ? !isFinished(run.data.status) : false;
  useRunEvents(target, { active, feed });
  const now = useNow(active);
  const [search, setSearch] = useSearchParams();
  const runsPath = paths.runs({ workspace, project, pipeline });

  const jobs = run.data?.jobs ?? [];
  const job = jobs.find((candidate) => jobKey(candidate) === search.get('job')) ?? defaultJob(jobs);
  const stepParam = search.get('step');
  const step = stepParam === null ? undefined : job?.steps.find((s) => s.index === Number(stepParam));
  // A new search (another job or step) drops the line anchor of the previous log.
  const select = (next: { job: string; step?: number }) =>
    setSearch(next.step === undefined ? { job: next.job } : { job: next.job, step: String(next.step) });

  return (
    <section aria-labelledby="run-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.project(workspace, project)}>{project}</Link> /{' '}
        <Link to={paths.pipeline({ workspace, project, pipeline })}>{pipeline}</Link> /{' '}
        <Link to={runsPath}>runs</Link> / <span>#{number}</span>
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
          <RunSummary run={run.data} runsPath={runsPath} now={now} />
          <h2>Stages</h2>
          <StageGraph
            jobs={jobs}
            selected={job ? jobKey(job) : undefined}
            now={now}
            onSelect={(chosen) => select({ job: jobKey(chosen) })}
          />
          {job?.kind === 'approval' ? (
            <>
              <h2>
                {job.stage} / {job.name}
              </h2>
              <ApprovalPanel target={target} run={run.data} gate={job} />
            </>
          ) : job ? (
            <div className="run-detail">
              <div className="run-detail-side">
                <h2>
                  {job.stage} / {job.name}
                </h2>
                <JobSteps
                  job={job}
                  selected={step?.index}
                  now={now}
                  onSelect={(index) => select({ job: jobKey(job), step: index })}
                />
              </div>
              <div className="run-detail-main">
                {step ? (
                  <LogViewer
                    key={`${jobKey(job)}:${job.attempt}:${step.index}`}
                    log={{
                      run: target,
                      stage: job.stage,
                      job: job.name,
                      attempt: job.attempt,
                      step: step.index,
                    }}
                    stepName={step.name}
                    knownLines={step.logLines}
                    live={active && !isFinished(step.status)}
                    feed={feed}
                  />
                ) : (
                  <p className="empty">Choose a step to see its log.</p>
                )}
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

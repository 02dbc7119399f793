import type { Run } from '@slipway/contracts';
import { useSearchParams } from 'react-router';
import type { RunRef } from '../api/keys.ts';
import type { LiveLogFeed } from '../api/live-log-feed.ts';
import { isFinished, jobKey } from '../api/queries.ts';
import { ApprovalPanel } from '../approval/ApprovalPanel.tsx';
import { LogViewer } from '../logs/LogViewer.tsx';
import { DeployRelease } from './DeployRelease.tsx';
import { JobSteps } from './JobSteps.tsx';
import { ManualJobPanel } from './ManualJobPanel.tsx';
import { defaultJob } from './run-graph.ts';
import { StageGraph } from './StageGraph.tsx';

/**
 * A run's stages and jobs, the chosen job's steps (or its approval gate) and the chosen
 * step's log. The choice lives in the URL (`?job=<stage>/<job>&step=<index>`, plus the log's
 * `#L<line>`), so a link names the exact line; with none, the job needing attention shows.
 */
export function RunJobs(props: {
  target: RunRef;
  run: Run;
  /** Live log lines from the run's event stream, for the open log. */
  feed: LiveLogFeed;
  /** The clock the durations count to (ms since the epoch). */
  now: number;
}) {
  const { target, run, feed, now } = props;
  const active = !isFinished(run.status);
  const [search, setSearch] = useSearchParams();
  const jobs = run.jobs;
  const job = jobs.find((candidate) => jobKey(candidate) === search.get('job')) ?? defaultJob(jobs);
  const stepParam = search.get('step');
  const step = stepParam === null ? undefined : job?.steps.find((s) => s.index === Number(stepParam));
  // A new search (another job or step) drops the line anchor of the previous log.
  const select = (next: { job: string; step?: number }) =>
    setSearch(next.step === undefined ? { job: next.job } : { job: next.job, step: String(next.step) });

  return (
    <>
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
          <ApprovalPanel target={target} run={run} gate={job} />
        </>
      ) : job ? (
        <div className="run-detail">
          <div className="run-detail-side">
            <h2>
              {job.stage} / {job.name}
            </h2>
            {job.kind === 'deploy' && job.release !== null ? (
              <DeployRelease target={target} environment={run.environment} number={job.release} />
            ) : null}
            <ManualJobPanel target={target} job={job} />
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
                log={{ run: target, stage: job.stage, job: job.name, attempt: job.attempt, step: step.index }}
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
  );
}

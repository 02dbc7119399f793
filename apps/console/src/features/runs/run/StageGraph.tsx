import type { JobRun } from '@slipway/contracts';
import { jobKey } from '../api/queries.ts';
import { RunStatusBadge } from '../components/RunStatusBadge.tsx';
import { elapsed } from '../format.ts';
import { stageStatus, stagesOf } from './run-graph.ts';

/** Stages as columns, their jobs (run in parallel) as cards with live status and duration. */
export function StageGraph(props: {
  jobs: readonly JobRun[];
  selected: string | undefined;
  now: number;
  onSelect: (job: JobRun) => void;
}) {
  return (
    <ol className="run-graph" aria-label="Stages">
      {stagesOf(props.jobs).map((stage) => (
        <li key={stage.name} className="run-stage">
          <section aria-label={`Stage ${stage.name}`}>
            <header className="run-stage-header">
              <span className={`run-dot run-dot-${stageStatus(stage.jobs)}`} aria-hidden="true" />
              <strong>{stage.name}</strong>
            </header>
            <ul className="run-jobs">
              {stage.jobs.map((job) => {
                const key = jobKey(job);
                const details = `${elapsed(job.startedAt, job.finishedAt, props.now)}${
                  job.attempt > 1 ? ` · attempt ${job.attempt}` : ''
                }${job.reusedFrom !== null ? ` · re-used from #${job.reusedFrom}` : ''}`;
                return (
                  <li key={key}>
                    <button
                      type="button"
                      className={`run-job run-job-${job.status}${props.selected === key ? ' run-job-selected' : ''}`}
                      aria-pressed={props.selected === key}
                      // The name holds everything the card shows, in its order (WCAG 2.5.3; the
                      // spaces between the parts keep their words apart for that check).
                      aria-label={[`Job ${job.name}: ${job.status}`, details, job.message]
                        .filter(Boolean)
                        .join(', ')}
                      onClick={() => props.onSelect(job)}
                    >
                      <span className="run-job-title">
                        {job.name}
                        {job.kind === 'job' ? null : <span className="muted small"> ({job.kind})</span>}
                      </span>{' '}
                      <RunStatusBadge status={job.status} /> <span className="muted small">{details}</span>{' '}
                      {job.message ? <span className="run-job-message small">{job.message}</span> : null}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        </li>
      ))}
    </ol>
  );
}

import type { JobRun } from '@slipway/contracts';
import { useId } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { usePermission } from '../../access/api/queries.ts';
import type { RunRef } from '../api/keys.ts';
import { usePlayJob } from '../api/mutations.ts';
import { jobKey } from '../api/queries.ts';
import { formatTime } from '../format.ts';

type Manual = NonNullable<JobRun['manual']>;

/**
 * Why this user may not play the job, or undefined when they may. The server says so per
 * job (`manual.caller`, the rule its play endpoint applies); until it has (a job that just
 * turned manual, patched in from the event stream), the `pipeline.run` permission stands in.
 */
function useRefusal(target: RunRef, manual: Manual): string | undefined {
  const run = usePermission('pipeline.run', { workspace: target.workspace, project: target.project });
  if (manual.caller) return manual.caller.mayPlay ? undefined : (manual.caller.reason ?? 'not allowed');
  if (!run.allowed) return run.loading ? 'checking your permissions…' : run.reason;
  return undefined;
}

/**
 * A manual job (`manual: true`): while it is `manual`, the ▶ Play button (disabled, with the
 * reason shown, for someone who may not run in the run's environment); once played, who
 * played it and when; before the run reaches it, what will happen.
 */
export function ManualJobPanel(props: { target: RunRef; job: JobRun }) {
  const { job } = props;
  if (!job.manual) return null;
  return <ManualPanel target={props.target} job={job} manual={job.manual} />;
}

function ManualPanel(props: { target: RunRef; job: JobRun; manual: Manual }) {
  const { target, job, manual } = props;
  const play = usePlayJob(target);
  const refusal = useRefusal(target, manual);
  const reasonId = useId();
  return (
    <section className="card run-manual" aria-label={`Manual job ${job.name}`}>
      {manual.playedBy ? (
        <p className="muted small" data-testid="manual-played">
          Played by <strong>{manual.playedBy}</strong> {formatTime(manual.playedAt)}.
        </p>
      ) : job.status === 'manual' ? (
        <>
          <p className="small">This manual job waits for someone to play it; the run does not wait for it.</p>
          <ErrorNotice error={play.error} title="Could not play the job" />
          <button
            type="button"
            className="button button-primary"
            aria-label={`Play ${job.name}`}
            aria-describedby={refusal ? reasonId : undefined}
            disabled={refusal !== undefined || play.isPending}
            onClick={() => play.mutate(jobKey(job))}
          >
            <span aria-hidden="true">▶</span> {play.isPending ? 'Playing…' : 'Play'}
          </button>
          {refusal ? (
            <p className="muted small" id={reasonId} data-testid="play-refusal">
              You cannot play this job: {refusal}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted small">
          A manual job: once the run reaches it, it waits for someone to play it ({job.status} now).
        </p>
      )}
    </section>
  );
}

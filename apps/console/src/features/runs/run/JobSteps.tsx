import type { JobRun } from '@slipway/contracts';
import { RunStatusBadge } from '../components/RunStatusBadge.tsx';
import { elapsed } from '../format.ts';

/** A job's steps in order; choosing one opens its log. */
export function JobSteps(props: {
  job: JobRun;
  selected: number | undefined;
  now: number;
  onSelect: (step: number) => void;
}) {
  const { job } = props;
  if (job.steps.length === 0) return <p className="muted">This job has no steps.</p>;
  return (
    <ol className="run-steps" aria-label={`Steps of ${job.name}`}>
      {job.steps.map((step) => (
        <li key={step.index}>
          <button
            type="button"
            className={`run-step${props.selected === step.index ? ' run-step-selected' : ''}`}
            aria-pressed={props.selected === step.index}
            aria-label={`Step ${step.name}: ${step.status}`}
            onClick={() => props.onSelect(step.index)}
          >
            <span className={`run-dot run-dot-${step.status}`} aria-hidden="true" />
            <span className="run-step-name">{step.name}</span>
            <RunStatusBadge status={step.status} />
            <span className="muted small">
              {elapsed(step.startedAt, step.finishedAt, props.now)}
              {step.exitCode !== null && step.exitCode !== 0 ? ` · exit ${step.exitCode}` : ''}
              {step.logLines > 0
                ? ` · ${step.logLines.toLocaleString()} ${step.logLines === 1 ? 'line' : 'lines'}`
                : ''}
            </span>
            {step.logError ? (
              <span className="small" role="alert">
                {step.logError}
              </span>
            ) : null}
            {step.result ? (
              <span className="muted small monospace" title={step.result}>
                {/^[0-9a-f]{40}$/.test(step.result) ? step.result.slice(0, 8) : step.result.slice(0, 80)}
              </span>
            ) : null}
          </button>
        </li>
      ))}
    </ol>
  );
}

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
      {job.steps.map((step) => {
        const details = `${elapsed(step.startedAt, step.finishedAt, props.now)}${
          step.exitCode !== null && step.exitCode !== 0 ? ` · exit ${step.exitCode}` : ''
        }${step.logLines > 0 ? ` · ${step.logLines.toLocaleString()} ${step.logLines === 1 ? 'line' : 'lines'}` : ''}`;
        const result = step.result
          ? /^[0-9a-f]{40}$/.test(step.result)
            ? step.result.slice(0, 8)
            : step.result.slice(0, 80)
          : '';
        return (
          <li key={step.index}>
            <button
              type="button"
              className={`run-step${props.selected === step.index ? ' run-step-selected' : ''}`}
              aria-pressed={props.selected === step.index}
              // The name holds everything the row shows, in its order (WCAG 2.5.3; the
              // spaces between the parts keep their words apart for that check).
              aria-label={[`Step ${step.name}: ${step.status}`, details, step.logError, result]
                .filter(Boolean)
                .join(', ')}
              onClick={() => props.onSelect(step.index)}
            >
              <span className={`run-dot run-dot-${step.status}`} aria-hidden="true" />
              <span className="run-step-name">{step.name}</span> <RunStatusBadge status={step.status} />{' '}
              <span className="muted small">{details}</span>{' '}
              {step.logError ? (
                <span className="small" role="alert">
                  {step.logError}
                </span>
              ) : null}{' '}
              {step.result ? (
                <span className="muted small monospace" title={step.result}>
                  {result}
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

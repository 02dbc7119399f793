import type { Run } from '@slipway/contracts';
import { Link } from 'react-router';
import { type PipelineRef, paths } from '../../../app/paths.ts';
import { elapsed, formatTime } from '../format.ts';

function ParameterList({ parameters }: { parameters: Run['parameters'] }) {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="run-parameters" aria-label="Parameters">
      {entries.map(([name, value]) => (
        <li key={name}>
          <code>{name}</code> = <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
        </li>
      ))}
    </ul>
  );
}

/** What ran, where, for whom, and when. */
export function RunSummary(props: { target: PipelineRef; run: Run; now: number }) {
  const { run } = props;
  return (
    <dl className="properties card run-summary">
      <dt>Release type</dt>
      <dd>{run.releaseType}</dd>
      <dt>Environment</dt>
      <dd>{run.environment}</dd>
      <dt>Parameters</dt>
      <dd>
        <ParameterList parameters={run.parameters} />
      </dd>
      <dt>Branch / commit</dt>
      <dd>
        {run.ref} {run.commit ? <code>{run.commit.slice(0, 12)}</code> : null}
      </dd>
      <dt>Started by</dt>
      <dd>
        {run.triggeredBy} <span className="muted">({run.trigger})</span>
        {run.retryOf ? (
          <>
            {' '}
            — retry of <Link to={paths.run({ ...props.target, number: run.retryOf })}>#{run.retryOf}</Link>
          </>
        ) : null}
      </dd>
      <dt>Pipeline revision</dt>
      <dd>{run.revision}</dd>
      <dt>Queued</dt>
      <dd>{formatTime(run.createdAt)}</dd>
      <dt>Started</dt>
      <dd>{formatTime(run.startedAt) || <span className="muted">not yet</span>}</dd>
      <dt>Finished</dt>
      <dd>{formatTime(run.finishedAt) || <span className="muted">not yet</span>}</dd>
      <dt>Duration</dt>
      <dd>{elapsed(run.startedAt, run.finishedAt, props.now) || <span className="muted">—</span>}</dd>
      {run.message ? (
        <>
          <dt>Message</dt>
          <dd>{run.message}</dd>
        </>
      ) : null}
    </dl>
  );
}

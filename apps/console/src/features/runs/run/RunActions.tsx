import type { Run } from '@slipway/contracts';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Gate } from '../../../components/Gate.tsx';
import { usePipeline } from '../../pipelines/api/pipelines.ts';
import type { RunRef } from '../api/keys.ts';
import { useCancelRun, useRetryRun } from '../api/mutations.ts';
import { isFinished } from '../api/queries.ts';
import { retryableStages } from './run-graph.ts';

/**
 * Cancel while the run is active; once it ended, retry (whole, or from a stage) on the
 * revision it ran, or — when the pipeline has been saved since — the whole run on the
 * pipeline's current revision with the same values.
 */
export function RunActions(props: { target: RunRef; run: Run }) {
  const { target, run } = props;
  const navigate = useNavigate();
  const cancel = useCancelRun(target);
  const retry = useRetryRun(target);
  const pipeline = usePipeline(target.workspace, target.project, target.pipeline);
  const current = pipeline.data?.revision;
  const newerRevision = current !== undefined && current > run.revision ? current : null;
  const latestHintId = useId();
  const [confirming, setConfirming] = useState(false);
  const stages = retryableStages(run);
  const [fromStage, setFromStage] = useState('');
  const stageId = useId();
  const finished = isFinished(run.status);
  const retryWith = (input: { fromStage?: string | undefined; revision?: 'latest' }) =>
    retry.mutate(input, {
      onSuccess: (created) =>
        navigate(
          paths.run({
            workspace: target.workspace,
            project: target.project,
            pipeline: target.pipeline,
            number: created.number,
          }),
        ),
    });
  const scope = { workspace: target.workspace, project: target.project };
  return (
    <div className="run-actions">
      <ErrorNotice error={retry.error} />
      <div className="actions">
        {!finished ? (
          <Gate permission="pipeline.run" {...scope} mode="disable">
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setConfirming(true)}
            >
              Cancel run
            </button>
          </Gate>
        ) : null}
        {finished ? (
          <Gate permission="pipeline.run" {...scope} mode="disable">
            <button type="button" className="button" disabled={retry.isPending} onClick={() => retryWith({})}>
              Retry
            </button>
          </Gate>
        ) : null}
        {finished && newerRevision !== null ? (
          <span className="run-retry-latest">
            <Gate permission="pipeline.run" {...scope} mode="disable">
              <button
                type="button"
                className="button"
                disabled={retry.isPending}
                aria-describedby={latestHintId}
                onClick={() => retryWith({ revision: 'latest' })}
              >
                Retry with the latest revision
              </button>
            </Gate>
            <span id={latestHintId} className="muted">
              revision {newerRevision} (current) instead of {run.revision}
            </span>
          </span>
        ) : null}
        {finished && run.status !== 'succeeded' && stages.length > 0 ? (
          <span className="run-retry-stage">
            <label htmlFor={stageId} className="visually-hidden">
              Stage to retry from
            </label>
            <select
              id={stageId}
              value={fromStage || stages.at(-1)}
              onChange={(e) => setFromStage(e.target.value)}
            >
              {stages.map((stage) => (
                <option key={stage} value={stage}>
                  {stage}
                </option>
              ))}
            </select>
            <Gate permission="pipeline.run" {...scope} mode="disable">
              <button
                type="button"
                className="button"
                disabled={retry.isPending}
                onClick={() => retryWith({ fromStage: fromStage || stages.at(-1) })}
              >
                Retry from stage
              </button>
            </Gate>
          </span>
        ) : null}
      </div>
      <ConfirmDialog
        title={`Cancel run #${run.number}`}
        message="Running jobs are stopped and the remaining work is cancelled."
        confirmLabel="Cancel run"
        open={confirming}
        pending={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        onClose={() => {
          setConfirming(false);
          cancel.reset();
        }}
      />
    </div>
  );
}

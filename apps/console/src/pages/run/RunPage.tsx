import { useParams } from 'react-router';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import type { RunRef } from '../../features/runs/api/keys.ts';
import { RunArtifacts } from '../../features/runs/components/RunArtifacts.tsx';
import { RunStatusBadge } from '../../features/runs/components/RunStatusBadge.tsx';
import { RunActions } from '../../features/runs/run/RunActions.tsx';
import { RunJobs } from '../../features/runs/run/RunJobs.tsx';
import { RunSummary } from '../../features/runs/run/RunSummary.tsx';
import { useLiveRun } from '../../features/runs/run/use-live-run.ts';

/** One run: its stages and jobs live, a job's steps, a step's log, and what can be done. */
export function RunPage() {
  const params = useParams();
  const target: RunRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
    number: Number(params.number),
  };
  const { run, feed, active, now } = useLiveRun(target);
  const data = run.data;
  return (
    <DetailPage
      title={
        data ? (
          <>
            Run #{data.number} <RunStatusBadge status={data.status} />
          </>
        ) : (
          `Run #${target.number}`
        )
      }
      subtitle={
        data ? `${data.releaseType} in ${data.environment}${active ? ' · updating live' : ''}` : undefined
      }
      actions={data ? <RunActions target={target} run={data} /> : undefined}
      query={run}
      errorTitle="Cannot open run"
    >
      {data ? (
        <>
          {data.status === 'rejected' && data.message ? (
            <p className="notice notice-error" data-testid="run-outcome">
              {data.message}
            </p>
          ) : null}
          <RunSummary target={target} run={data} now={now} />
          <RunJobs target={target} run={data} feed={feed} now={now} />
          <RunArtifacts target={target} run={data} />
        </>
      ) : null}
    </DetailPage>
  );
}

import { useState } from 'react';
import { useParams } from 'react-router';
import { Gate } from '../../components/Gate.tsx';
import { ListPage } from '../../components/page/ListPage.tsx';
import type { PipelineRef } from '../../features/runs/api/keys.ts';
import { RunDialog } from '../../features/runs/dialog/RunDialog.tsx';
import { RunFilters } from '../../features/runs/history/RunFilters.tsx';
import { runColumns } from '../../features/runs/history/run-columns.tsx';
import { useRunHistory } from '../../features/runs/history/use-run-history.ts';

/** A pipeline's run history with filters, and the Run button. */
export function RunsPage() {
  const params = useParams();
  const target: PipelineRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
  };
  const history = useRunHistory(target);
  const [running, setRunning] = useState(false);
  const run = (label: string, className: string) => (
    <Gate permission="pipeline.run" workspace={target.workspace} project={target.project} mode="disable">
      <button type="button" className={className} onClick={() => setRunning(true)}>
        {label}
      </button>
    </Gate>
  );
  return (
    <ListPage
      title={`Runs of ${target.pipeline}`}
      description="Newest first. Open a run for its stages, logs and approvals."
      actions={run('Run', 'button button-primary')}
      filters={
        <RunFilters target={target} releaseTypes={history.releaseTypes} onApply={history.setFilters} />
      }
      query={history.runs}
      errorTitle="Cannot list runs"
      items={history.items}
      columns={runColumns(target, history.now)}
      rowKey={(item) => String(item.number)}
      empty={
        history.filtered
          ? { title: 'No run matches these filters.' }
          : { title: 'No runs yet: click Run.', action: run('Start the first run', 'button') }
      }
      paging={history.runs}
      label="Runs"
    >
      <RunDialog target={target} open={running} onClose={() => setRunning(false)} />
    </ListPage>
  );
}

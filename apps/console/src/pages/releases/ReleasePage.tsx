import { useParams } from 'react-router';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import type { ReleaseRef } from '../../features/releases/api/keys.ts';
import { useRelease } from '../../features/releases/api/queries.ts';
import { BreakFreezeButton } from '../../features/releases/components/BreakFreezeButton.tsx';
import { CompareButton } from '../../features/releases/components/CompareButton.tsx';
import { PromoteButton } from '../../features/releases/components/PromoteButton.tsx';
import { ReleaseLogView } from '../../features/releases/components/ReleaseLogView.tsx';
import { ReleaseObjects } from '../../features/releases/components/ReleaseObjects.tsx';
import { ReleaseOverview } from '../../features/releases/components/ReleaseOverview.tsx';
import { ReleaseStatusBadge } from '../../features/releases/components/ReleaseStatusBadge.tsx';
import { RollbackButton } from '../../features/releases/components/RollbackButton.tsx';

/** One release: its parts, the objects it applied, its deploy log; rollback and compare. */
export function ReleasePage() {
  const params = useParams();
  const ref: ReleaseRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    number: Number(params.number),
  };
  const release = useRelease(ref);
  const r = release.data;
  return (
    <DetailPage
      title={
        <>
          Release #{ref.number} {r ? <ReleaseStatusBadge status={r.status} /> : null}
        </>
      }
      subtitle={r ? <p>{`${r.project} in ${r.environment}`}</p> : null}
      query={release}
      errorTitle="Cannot open release"
      actions={
        r ? (
          <>
            <CompareButton workspace={ref.workspace} release={r} />
            <RollbackButton workspace={ref.workspace} release={r} />
            <PromoteButton workspace={ref.workspace} release={r} />
            <BreakFreezeButton workspace={ref.workspace} release={r} />
          </>
        ) : null
      }
      tabs={
        r
          ? [
              {
                id: 'overview',
                label: 'Overview',
                content: <ReleaseOverview workspace={ref.workspace} release={r} />,
              },
              { id: 'objects', label: 'Objects', content: <ReleaseObjects release={ref} /> },
              { id: 'log', label: 'Log', content: <ReleaseLogView release={ref} /> },
            ]
          : []
      }
    />
  );
}

import { lazy, Suspense } from 'react';
import type { PipelineRef } from '../../../app/paths.ts';
import { Loading } from '../../../components/Loading.tsx';
import { QueryError } from '../../../components/page/PageFrame.tsx';
import { usePipelineRevision } from '../api/pipelines.ts';
import { YamlEditor } from '../editor/yaml/LazyYamlEditor.tsx';

// Monaco's diff editor loads with Monaco, only when a diff is shown.
const YamlDiffEditor = lazy(() => import('../../releases/diff/YamlDiffEditor.tsx'));

/** One revision's spec in a read-only editor named "Revision N". */
export function RevisionView(props: { target: PipelineRef; number: number }) {
  const { workspace, project, pipeline } = props.target;
  const revision = usePipelineRevision(workspace, project, pipeline, props.number);
  if (revision.error) return <QueryError query={revision} title={`Cannot read revision ${props.number}`} />;
  if (!revision.data) return <Loading />;
  return (
    <YamlEditor
      value={revision.data.spec}
      readOnly
      readOnlyMessage="An old revision cannot be edited: restore it to edit it again."
      ariaLabel={`Revision ${props.number}`}
      modelPath={`${workspace}/${project}/${pipeline}/revision-${props.number}.yaml`}
    />
  );
}

/**
 * Two revisions side by side in Monaco's diff editor, the older on the left. Both specs
 * come whole from the API (GET …/revisions/{number}); Monaco computes the diff.
 */
export function RevisionDiff(props: { target: PipelineRef; from: number; to: number }) {
  const { workspace, project, pipeline } = props.target;
  const from = usePipelineRevision(workspace, project, pipeline, props.from);
  const to = usePipelineRevision(workspace, project, pipeline, props.to);
  if (from.error) return <QueryError query={from} title={`Cannot read revision ${props.from}`} />;
  if (to.error) return <QueryError query={to} title={`Cannot read revision ${props.to}`} />;
  if (!from.data || !to.data) return <Loading />;
  return (
    <Suspense fallback={<Loading />}>
      <YamlDiffEditor
        from={from.data.spec}
        to={to.data.spec}
        fromLabel={`Revision ${props.from}`}
        toLabel={`Revision ${props.to}`}
      />
    </Suspense>
  );
}

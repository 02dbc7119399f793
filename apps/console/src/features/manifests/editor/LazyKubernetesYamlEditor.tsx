import { lazy, Suspense } from 'react';
import type { KubernetesYamlEditorProps } from './kubernetes-model.ts';

// Monaco is megabytes: it loads only when the page shows an editor (the same chunk as the pipeline editor's).
const Editor = lazy(() => import('./KubernetesYamlEditor.tsx'));

export function KubernetesYamlEditor(props: KubernetesYamlEditorProps) {
  return (
    <Suspense
      fallback={
        <div className="yaml-editor yaml-editor-loading">
          <span className="muted">Loading the editor…</span>
        </div>
      }
    >
      <Editor {...props} />
    </Suspense>
  );
}

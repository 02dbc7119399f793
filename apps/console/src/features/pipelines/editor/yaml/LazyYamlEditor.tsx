import { lazy, Suspense } from 'react';
import type { YamlEditorProps } from './yaml-editor-props.ts';

// Monaco is megabytes: it loads only when a page shows an editor, never with the console's main bundle.
const MonacoYamlEditor = lazy(() => import('./YamlEditor.tsx'));

export function YamlEditor(props: YamlEditorProps) {
  return (
    <Suspense
      fallback={
        <div
          className={`yaml-editor yaml-editor-loading${props.size === 'small' ? ' yaml-editor-small' : ''}`}
        >
          <span className="muted">Loading the editor…</span>
        </div>
      }
    >
      <MonacoYamlEditor {...props} />
    </Suspense>
  );
}

import { lazy, Suspense } from 'react';
import type { PipelineCanvasProps } from './canvas-props.ts';

// React Flow is only needed on the pipeline page: keep it out of the console's main bundle.
const FlowCanvas = lazy(() => import('./PipelineCanvas.tsx'));

export function PipelineCanvas(props: PipelineCanvasProps) {
  return (
    <Suspense fallback={<div className="canvas canvas-loading muted">Loading the canvas…</div>}>
      <FlowCanvas {...props} />
    </Suspense>
  );
}

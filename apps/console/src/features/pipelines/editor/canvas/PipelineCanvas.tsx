import '@xyflow/react/dist/style.css';
import {
  type CanvasStage,
  canvasEdits,
  EditError,
  parsePipeline,
  toCanvasModel,
  uniqueName,
} from '@slipway/pipeline';
import { Background, Controls, ReactFlow, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type CanvasSelection, toFlow } from './canvas-flow.ts';
import { type CanvasActions, CanvasActionsContext, nodeTypes } from './canvas-nodes.tsx';
import type { PipelineCanvasProps } from './canvas-props.ts';
import { PropertiesPanel } from './PropertiesPanel.tsx';

const FLOW_MARGIN = 24;
const CONTROLS_HEIGHT = 40;
// Never enlarged; shrunk (down to a readable size) when the stages are wider than the page.
const FIT = { maxZoom: 1, minZoom: 0.6, padding: 0.03 } as const;

/** Refits the view when stages come or go, so that a new stage is in sight. */
function FitWhenStagesChange({ stageCount }: { stageCount: number }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (stageCount > 0) void fitView(FIT);
  }, [stageCount, fitView]);
  return null;
}

interface Drawing {
  stages: CanvasStage[];
  /** The document as plain data, for the properties form. */
  raw: unknown;
}

/**
 * The pipeline on a React Flow canvas: stages as lanes from left to right, their parallel
 * jobs inside, each job's steps listed in it. Every action edits the YAML text through the
 * pure canvasEdits (only the affected lines change); a YAML edit redraws the canvas; while
 * the YAML does not validate, the last valid drawing stays, read-only and marked as such.
 */
export default function PipelineCanvas(props: PipelineCanvasProps) {
  const lastGood = useRef<Drawing | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [selection, setSelection] = useState<CanvasSelection>(null);
  const parsed = useMemo(() => parsePipeline(props.text), [props.text]);
  const current = useMemo<Drawing | null>(
    () => (parsed.spec ? { stages: toCanvasModel(parsed.spec), raw: parsed.document?.toJS() } : null),
    [parsed],
  );
  if (current) lastGood.current = current;
  const drawing = lastGood.current;
  const stale = !parsed.spec;
  const editable = !props.readOnly && !stale;

  const actions = useMemo<CanvasActions>(
    () => ({
      editable,
      edit(change, select) {
        try {
          props.onChange(change(props.text));
          setProblem(null);
          if (select !== undefined) setSelection(select);
        } catch (error) {
          setProblem(error instanceof EditError ? error.message : String(error));
        }
      },
      select: setSelection,
    }),
    [editable, props.text, props.onChange],
  );
  const flow = useMemo(() => (drawing ? toFlow(drawing.stages, selection) : null), [drawing, selection]);

  if (!drawing || !flow)
    return <div className="notice notice-error">The YAML has errors; fix them to see the canvas.</div>;
  const stages = drawing.stages;

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className="canvas-wrap">
        {stale ? (
          <div className="notice notice-error" role="status">
            The YAML has errors: the canvas shows the last valid version and is read-only until they are
            fixed.
          </div>
        ) : null}
        {problem ? (
          <div className="notice notice-error" role="alert">
            {problem}
          </div>
        ) : null}
        {editable ? (
          <div className="canvas-toolbar">
            <button
              type="button"
              className="button"
              onClick={() =>
                actions.edit(
                  (text) =>
                    canvasEdits.addStage(text, {
                      name: uniqueName(
                        'stage',
                        stages.map((s) => s.name),
                        stages.length + 1,
                      ),
                      jobs: [{ name: 'job-1', image: 'alpine:3', steps: [{ run: 'echo hello' }] }],
                    }),
                  { kind: 'stage', stage: stages.length },
                )
              }
            >
              + Stage
            </button>
            <span className="muted small">
              Select a stage, job or step to edit its properties; the YAML below changes with every edit.
            </span>
          </div>
        ) : null}
        <div className="canvas-row">
          <section
            className="canvas"
            aria-label="Pipeline canvas"
            style={{ height: Math.max(flow.height + 2 * FLOW_MARGIN + CONTROLS_HEIGHT, 220) }}
          >
            <ReactFlow
              nodes={flow.nodes}
              edges={flow.edges}
              nodeTypes={nodeTypes}
              fitView
              fitViewOptions={FIT}
              minZoom={0.4}
              maxZoom={1.5}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable
              // The page scrolls over the canvas; drag to pan, the controls zoom.
              zoomOnScroll={false}
              preventScrolling={false}
              // No key bindings on the document: they would fight the YAML editor and the
              // form inputs (nodes move and go only through the buttons, as YAML edits).
              panActivationKeyCode={null}
              deleteKeyCode={null}
              selectionKeyCode={null}
              multiSelectionKeyCode={null}
              zoomActivationKeyCode={null}
              onNodeClick={(_event, node) => {
                const [, s, , j] = node.id.split('-').map(Number);
                if (s === undefined || Number.isNaN(s)) return;
                setSelection(
                  j === undefined ? { kind: 'stage', stage: s } : { kind: 'job', stage: s, job: j },
                );
              }}
              onPaneClick={() => setSelection(null)}
            >
              <Background gap={16} size={1} />
              <Controls showInteractive={false} orientation="horizontal" position="bottom-left" />
              <FitWhenStagesChange stageCount={stages.length} />
            </ReactFlow>
          </section>
          {props.schema && selection && !stale ? (
            <PropertiesPanel
              schema={props.schema}
              stages={stages}
              selection={selection}
              raw={drawing.raw}
              readOnly={!editable}
              edit={(change) => actions.edit(change)}
              onClose={() => setSelection(null)}
            />
          ) : null}
        </div>
      </div>
    </CanvasActionsContext.Provider>
  );
}

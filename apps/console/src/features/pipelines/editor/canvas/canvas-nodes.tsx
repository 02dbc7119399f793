import { type CanvasJob, type CanvasStage, canvasEdits, newDeployJob, uniqueName } from '@slipway/pipeline';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { createContext, type MouseEvent, type ReactNode, useContext } from 'react';
import type { CanvasSelection, DeployJobNode, JobNode, StageNode } from './canvas-flow.ts';

/** What the nodes may do: every change is an edit of the YAML text through canvasEdits. */
export interface CanvasActions {
  editable: boolean;
  edit: (change: (text: string) => string, select?: CanvasSelection) => void;
  select: (selection: CanvasSelection) => void;
}

export const CanvasActionsContext = createContext<CanvasActions>({
  editable: false,
  edit: () => undefined,
  select: () => undefined,
});

const NEW_STEP = { run: 'echo hello' };

/** A small button inside a node: never starts a pan or a drag, never selects the node under it. */
function NodeButton(props: {
  label: string;
  disabled?: boolean;
  title?: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="icon-button nodrag nopan"
      aria-label={props.label}
      title={props.title ?? props.label}
      disabled={props.disabled}
      onClick={(event: MouseEvent) => {
        event.stopPropagation();
        props.onClick();
      }}
    >
      {props.children}
    </button>
  );
}

/** Says that a stage or job runs only for some runs, and for which (its `when`). */
function Condition(props: { of: string; when: string | null }) {
  if (!props.when) return null;
  return (
    <div
      className="flow-when"
      role="note"
      title={`${props.of} runs only when ${props.when}`}
      aria-label={`${props.of} runs only when ${props.when}`}
    >
      <span className="flow-when-label">only</span> {props.when}
    </div>
  );
}

export function StageNodeView({ data, selected }: NodeProps<StageNode>) {
  const { editable, edit, select } = useContext(CanvasActionsContext);
  const { stage, stageCount } = data;
  const s = stage.index;
  return (
    <div className={`flow-stage${selected ? ' flow-selected' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <header className="flow-stage-header">
        <button
          type="button"
          className="flow-title nodrag"
          onClick={(event) => {
            event.stopPropagation();
            select({ kind: 'stage', stage: s });
          }}
        >
          {stage.name}
        </button>
        {editable ? (
          <span className="flow-actions">
            {!stage.approval ? (
              <NodeButton
                label={`Add a parallel job to ${stage.name}`}
                onClick={() =>
                  edit(
                    (text) =>
                      canvasEdits.addJob(text, s, {
                        name: uniqueName(
                          'job',
                          stage.jobs.map((j) => j.name),
                          stage.jobs.length + 1,
                        ),
                        image: 'alpine:3',
                        steps: [NEW_STEP],
                      }),
                    { kind: 'job', stage: s, job: stage.jobs.length },
                  )
                }
              >
                +
              </NodeButton>
            ) : null}
            {!stage.approval ? (
              <NodeButton
                label={`Add a deploy job to ${stage.name}`}
                onClick={() =>
                  edit((text) => canvasEdits.addJob(text, s, newDeployJob(stage.jobs.map((j) => j.name))), {
                    // The deploy step itself: its properties are what a new deploy job needs set.
                    kind: 'step',
                    stage: s,
                    job: stage.jobs.length,
                    step: 0,
                  })
                }
              >
                ⇪
              </NodeButton>
            ) : null}
            <NodeButton
              label={`Move stage ${stage.name} left`}
              disabled={s === 0}
              onClick={() =>
                edit((text) => canvasEdits.moveStage(text, s, s - 1), { kind: 'stage', stage: s - 1 })
              }
            >
              ←
            </NodeButton>
            <NodeButton
              label={`Move stage ${stage.name} right`}
              disabled={s === stageCount - 1}
              onClick={() =>
                edit((text) => canvasEdits.moveStage(text, s, s + 1), { kind: 'stage', stage: s + 1 })
              }
            >
              →
            </NodeButton>
            <NodeButton
              label={`Remove stage ${stage.name}`}
              disabled={stageCount < 2}
              title={stageCount < 2 ? 'A pipeline needs at least one stage' : undefined}
              onClick={() => edit((text) => canvasEdits.removeStage(text, s), null)}
            >
              ×
            </NodeButton>
          </span>
        ) : null}
      </header>
      <Condition of={`Stage ${stage.name}`} when={stage.when} />
      {stage.approval ? (
        <div className="flow-gate">
          Approval: {stage.approval.count} × {stage.approval.role}
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

/** A job's name (selects it) and its buttons: move within or across stages, remove. */
function JobHeader(props: { stage: CanvasStage; job: CanvasJob; stages: readonly CanvasStage[] }) {
  const { editable, edit, select } = useContext(CanvasActionsContext);
  const { stage, job, stages } = props;
  const s = stage.index;
  const j = job.index;
  const only = stage.jobs.length < 2;
  // A job can move to a neighbouring stage that has jobs (not to an approval gate).
  const canMoveTo = (target: number) => !only && (stages[target]?.jobs.length ?? 0) > 0;
  const moveToStage = (target: number) => {
    const position = stages[target]?.jobs.length ?? 0;
    edit((text) => canvasEdits.moveJobToStage(text, s, j, target), {
      kind: 'job',
      stage: target,
      job: position,
    });
  };
  return (
    <div className="flow-job-header">
      <button
        type="button"
        className="flow-title nodrag"
        onClick={(event) => {
          event.stopPropagation();
          select({ kind: 'job', stage: s, job: j });
        }}
      >
        {job.name}
      </button>
      {editable ? (
        <span className="flow-actions">
          <NodeButton
            label={`Move job ${job.name} up`}
            disabled={j === 0}
            onClick={() =>
              edit((text) => canvasEdits.moveJob(text, s, j, j - 1), { kind: 'job', stage: s, job: j - 1 })
            }
          >
            ↑
          </NodeButton>
          <NodeButton
            label={`Move job ${job.name} down`}
            disabled={j === stage.jobs.length - 1}
            onClick={() =>
              edit((text) => canvasEdits.moveJob(text, s, j, j + 1), { kind: 'job', stage: s, job: j + 1 })
            }
          >
            ↓
          </NodeButton>
          <NodeButton
            label={`Move job ${job.name} to the previous stage`}
            disabled={!canMoveTo(s - 1)}
            onClick={() => moveToStage(s - 1)}
          >
            ⇤
          </NodeButton>
          <NodeButton
            label={`Move job ${job.name} to the next stage`}
            disabled={!canMoveTo(s + 1)}
            onClick={() => moveToStage(s + 1)}
          >
            ⇥
          </NodeButton>
          <NodeButton
            label={`Remove job ${job.name}`}
            disabled={only}
            title={only ? 'A stage needs at least one job' : undefined}
            onClick={() => edit((text) => canvasEdits.removeJob(text, s, j), null)}
          >
            ×
          </NodeButton>
        </span>
      ) : null}
    </div>
  );
}

export function JobNodeView({ data, selected }: NodeProps<JobNode>) {
  const { editable, edit, select } = useContext(CanvasActionsContext);
  const { stage, job, stages } = data;
  const s = stage.index;
  const j = job.index;
  return (
    <div className={`flow-job${selected ? ' flow-selected' : ''}`}>
      <JobHeader stage={stage} job={job} stages={stages} />
      <div className="muted small flow-image">{job.image ?? 'no image'}</div>
      <Condition of={`Job ${job.name}`} when={job.when} />
      <ol className="flow-steps" aria-label={`Steps of ${job.name}`}>
        {job.steps.map((step) => (
          <li className="flow-step" key={`${step.index}-${step.name}`}>
            <button
              type="button"
              className="flow-step-name nodrag"
              onClick={(event) => {
                event.stopPropagation();
                select({ kind: 'step', stage: s, job: j, step: step.index });
              }}
            >
              {step.name}
              {step.name !== step.kind ? <span className="muted small"> {step.kind}</span> : null}
            </button>
            {editable ? (
              <span className="flow-actions">
                <NodeButton
                  label={`Move step ${step.name} of ${job.name} up`}
                  disabled={step.index === 0}
                  onClick={() =>
                    edit((text) => canvasEdits.moveStep(text, s, j, step.index, step.index - 1), null)
                  }
                >
                  ↑
                </NodeButton>
                <NodeButton
                  label={`Move step ${step.name} of ${job.name} down`}
                  disabled={step.index === job.steps.length - 1}
                  onClick={() =>
                    edit((text) => canvasEdits.moveStep(text, s, j, step.index, step.index + 1), null)
                  }
                >
                  ↓
                </NodeButton>
                <NodeButton
                  label={`Remove step ${step.name} of ${job.name}`}
                  disabled={job.steps.length < 2}
                  title={job.steps.length < 2 ? 'A job needs at least one step' : undefined}
                  onClick={() => edit((text) => canvasEdits.removeStep(text, s, j, step.index), null)}
                >
                  ×
                </NodeButton>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {editable ? (
        <button
          type="button"
          className="link-button flow-add-step nodrag nopan"
          aria-label={`Add a step to ${job.name}`}
          onClick={(event) => {
            event.stopPropagation();
            const name = uniqueName(
              'step',
              job.steps.map((step) => step.name),
              job.steps.length + 1,
            );
            edit((text) => canvasEdits.addStep(text, s, j, { name, ...NEW_STEP }), {
              kind: 'step',
              stage: s,
              job: j,
              step: job.steps.length,
            });
          }}
        >
          + step
        </button>
      ) : null}
    </div>
  );
}

/**
 * A deploy job: what it deploys (manifest set or repository path, config sets) and its
 * image instead of a step list; its one step opens the deploy step's properties. It takes
 * no other step (a deploy step is its job's only step).
 */
export function DeployJobNodeView({ data, selected }: NodeProps<DeployJobNode>) {
  const { select } = useContext(CanvasActionsContext);
  const { stage, job, stages } = data;
  const step = job.steps[0];
  const deploy = job.deploy;
  return (
    <div className={`flow-job flow-deploy${selected ? ' flow-selected' : ''}`}>
      <JobHeader stage={stage} job={job} stages={stages} />
      <div className="muted small flow-image" title={deploy?.source}>
        <span className="flow-deploy-badge">deploy</span> {deploy?.source}
        {deploy && deploy.config.length > 0 ? ` · config ${deploy.config.join(', ')}` : ''}
      </div>
      <Condition of={`Deploy job ${job.name}`} when={job.when} />
      {step ? (
        <div className="flow-step">
          <button
            type="button"
            className="flow-step-name nodrag"
            aria-label={`Deploy step ${step.name} of ${job.name}`}
            onClick={(event) => {
              event.stopPropagation();
              select({ kind: 'step', stage: stage.index, job: job.index, step: step.index });
            }}
          >
            {step.name}
            {deploy?.timeout ? <span className="muted small"> within {deploy.timeout}</span> : null}
          </button>
        </div>
      ) : null}
      <div className="muted small flow-image" title={deploy?.image ?? undefined}>
        {deploy?.image ? `image ${deploy.image}` : 'image as the manifests say'}
      </div>
    </div>
  );
}

export const nodeTypes = { stage: StageNodeView, job: JobNodeView, deploy: DeployJobNodeView };

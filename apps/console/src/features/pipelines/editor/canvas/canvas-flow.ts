import { type CanvasJob, type CanvasMetrics, type CanvasStage, layoutCanvas } from '@slipway/pipeline';
import { type Edge, MarkerType, type Node } from '@xyflow/react';

/** What is selected on the canvas: its properties show in the side panel. */
export type CanvasSelection =
  | { kind: 'stage'; stage: number }
  | { kind: 'job'; stage: number; job: number }
  | { kind: 'step'; stage: number; job: number; step: number }
  | null;

export type StageNode = Node<{ stage: CanvasStage; stageCount: number }, 'stage'>;
type JobData = { stage: CanvasStage; job: CanvasJob; stages: readonly CanvasStage[] };
export type JobNode = Node<JobData, 'job'>;
/** A job whose only step is a deploy step: drawn with what it deploys instead of a step list. */
export type DeployJobNode = Node<JobData, 'deploy'>;
export type PipelineNode = StageNode | JobNode | DeployJobNode;

// Sizes the node components are styled to (canvas styles in styles.css use the same numbers).
export const CANVAS_METRICS: CanvasMetrics = {
  stageWidth: 250,
  stageGap: 40,
  stageHeader: 48,
  stagePadding: 12,
  jobGap: 12,
  jobHeader: 62,
  stepHeight: 28,
  jobFooter: 34,
  gateHeight: 64,
  conditionHeight: 24,
};

export const stageNodeId = (stage: number) => `stage-${stage}`;
export const jobNodeId = (stage: number, job: number) => `stage-${stage}-job-${job}`;

/** The React Flow drawing of the pipeline: a lane per stage with its jobs inside, arrows between stages. */
export function toFlow(
  stages: readonly CanvasStage[],
  selection: CanvasSelection,
): { nodes: PipelineNode[]; edges: Edge[]; width: number; height: number } {
  const layout = layoutCanvas(stages, CANVAS_METRICS);
  const nodes: PipelineNode[] = [];
  stages.forEach((stage, s) => {
    const place = layout.stages[s];
    if (!place) return;
    nodes.push({
      id: stageNodeId(s),
      type: 'stage',
      position: { x: place.lane.x, y: place.lane.y },
      width: place.lane.width,
      height: place.lane.height,
      data: { stage, stageCount: stages.length },
      ariaRole: 'region',
      ariaLabel: `Stage ${stage.name}`,
      selected: selection?.kind === 'stage' && selection.stage === s,
      draggable: false,
      connectable: false,
    });
    stage.jobs.forEach((job, j) => {
      const box = place.jobs[j];
      if (!box) return;
      nodes.push({
        id: jobNodeId(s, j),
        type: job.kind === 'deploy' ? 'deploy' : 'job',
        parentId: stageNodeId(s),
        extent: 'parent',
        position: { x: box.x, y: box.y },
        width: box.width,
        height: box.height,
        data: { stage, job, stages },
        ariaRole: 'article',
        ariaLabel: `${job.kind === 'deploy' ? 'Deploy job' : 'Job'} ${job.name}`,
        selected:
          selection !== null && selection.kind !== 'stage' && selection.stage === s && selection.job === j,
        draggable: false,
        connectable: false,
      });
    });
  });
  const edges: Edge[] = stages.slice(1).map((_, i) => ({
    id: `${stageNodeId(i)}->${stageNodeId(i + 1)}`,
    source: stageNodeId(i),
    target: stageNodeId(i + 1),
    ariaLabel: `${stages[i]?.name} runs before ${stages[i + 1]?.name}`,
    markerEnd: { type: MarkerType.ArrowClosed },
    selectable: false,
    focusable: false,
  }));
  return { nodes, edges, width: layout.width, height: layout.height };
}

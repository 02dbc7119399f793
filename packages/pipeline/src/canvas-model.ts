import type { PipelineSpec, Step } from './schema.ts';

export type StepKind = 'run' | 'build-image' | 'approval';

export interface CanvasStep {
  index: number;
  name: string;
  kind: StepKind;
}

export interface CanvasJob {
  index: number;
  name: string;
  image: string | null;
  timeout: string | null;
  retries: number | null;
  steps: CanvasStep[];
}

export interface CanvasStage {
  index: number;
  name: string;
  /** An approval gate instead of jobs. */
  approval: { role: string; count: number } | null;
  jobs: CanvasJob[];
}

export function stepKindOf(step: Step): StepKind {
  if ('run' in step) return 'run';
  if ('buildImage' in step) return 'build-image';
  return 'approval';
}

/** What the canvas draws: stages as columns, their parallel jobs as nodes, steps inside. */
export function toCanvasModel(spec: PipelineSpec): CanvasStage[] {
  return spec.stages.map((stage, s) => ({
    index: s,
    name: stage.name,
    approval: stage.approval ? { role: stage.approval.role, count: stage.approval.count } : null,
    jobs: (stage.jobs ?? []).map((job, j) => ({
      index: j,
      name: job.name,
      image: job.image ?? null,
      timeout: job.timeout ?? null,
      retries: job.retries ?? null,
      steps: job.steps.map((step, k) => ({
        index: k,
        name: step.name ?? stepKindOf(step),
        kind: stepKindOf(step),
      })),
    })),
  }));
}

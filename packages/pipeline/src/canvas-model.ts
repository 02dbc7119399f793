import type { Job, PipelineSpec, Stage, Step, When } from './schema.ts';

export type StepKind = 'run' | 'build-image' | 'approval' | 'deploy';

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
  /** When the job runs only for some runs: its `when`, in words (see `describeWhen`). */
  when: string | null;
  /** `deploy`: a job whose (only) step is a deploy step, drawn as a deploy node. */
  kind: 'job' | 'deploy';
  /** What a deploy job deploys, for its node; null for other jobs. */
  deploy: CanvasDeploy | null;
  steps: CanvasStep[];
}

/** A deploy job's summary on the canvas. */
export interface CanvasDeploy {
  /** `manifest set web` or `repository deploy/`. */
  source: string;
  image: string | null;
  config: string[];
  timeout: string | null;
}

export interface CanvasStage {
  index: number;
  name: string;
  /** An approval gate instead of jobs. */
  approval: { role: string; count: number } | null;
  /** When the stage runs only for some runs: its `when`, in words (see `describeWhen`). */
  when: string | null;
  jobs: CanvasJob[];
}

/**
 * A `when` in words, for the canvas's badge: each condition as `name: a, b`, joined with
 * `; ` (every one must hold), e.g. `release type: full; environment: prod; branch: main,
 * release/*; deploy = true`. Null when there is no condition.
 */
export function describeWhen(when: When | undefined): string | null {
  if (!when) return null;
  const parts: string[] = [];
  if (when.releaseType) parts.push(`release type: ${when.releaseType.join(', ') || 'none'}`);
  if (when.environment?.length) parts.push(`environment: ${when.environment.join(', ')}`);
  if (when.branch?.length) parts.push(`branch: ${when.branch.join(', ')}`);
  for (const [name, expected] of Object.entries(when.parameters ?? {})) {
    const values = Array.isArray(expected) ? expected : [expected];
    parts.push(`${name} = ${values.map((value) => String(value)).join(' or ')}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

export function stepKindOf(step: Step): StepKind {
  if ('run' in step) return 'run';
  if ('buildImage' in step) return 'build-image';
  if ('deploy' in step) return 'deploy';
  return 'approval';
}

function deployOf(job: Job): CanvasDeploy | null {
  const step = job.steps.find((s) => 'deploy' in s);
  if (!step || !('deploy' in step)) return null;
  const { deploy } = step;
  return {
    source:
      deploy.manifests !== undefined ? `manifest set ${deploy.manifests}` : `repository ${deploy.path ?? ''}`,
    image: deploy.image ?? null,
    config: deploy.config ?? [],
    timeout: deploy.timeout ?? null,
  };
}

/**
 * A new deploy job for the canvas's "Add deploy job": one deploy step of a manifest set,
 * named `deploy-<n>` beside the stage's `taken` job names. Its values are a starting point
 * the properties panel edits.
 */
export function newDeployJob(taken: readonly string[]): Job {
  return {
    name: uniqueName('deploy', taken, 1),
    steps: [
      {
        name: 'deploy',
        deploy: { manifests: 'app', image: 'registry.example.com/app:${{ run.number }}', timeout: '5m' },
      },
    ],
  };
}

/**
 * When a stage runs: its own `when`, with its release types narrowed to those whose
 * `stages` list names it (a release type without the list runs every stage).
 */
function stageWhen(spec: PipelineSpec, stage: Stage): string | null {
  const all = Object.keys(spec.releaseTypes ?? {});
  const running = all.filter((name) => spec.releaseTypes?.[name]?.stages?.includes(stage.name) ?? true);
  if (running.length === all.length) return describeWhen(stage.when);
  const own = stage.when?.releaseType;
  const releaseType = own ? own.filter((name) => running.includes(name)) : running;
  return describeWhen({ ...stage.when, releaseType });
}

/** What the canvas draws: stages as columns, their parallel jobs as nodes, steps inside. */
export function toCanvasModel(spec: PipelineSpec): CanvasStage[] {
  return spec.stages.map((stage, s) => ({
    index: s,
    name: stage.name,
    approval: stage.approval ? { role: stage.approval.role, count: stage.approval.count } : null,
    when: stageWhen(spec, stage),
    jobs: (stage.jobs ?? []).map((job, j) => ({
      index: j,
      name: job.name,
      image: job.image ?? null,
      timeout: job.timeout ?? null,
      retries: job.retries ?? null,
      when: describeWhen(job.when),
      kind: job.steps.some((step) => 'deploy' in step) ? 'deploy' : 'job',
      deploy: deployOf(job),
      steps: job.steps.map((step, k) => ({
        index: k,
        name: step.name ?? stepKindOf(step),
        kind: stepKindOf(step),
      })),
    })),
  }));
}

/** `prefix-n` with the smallest n ≥ `from` that is not taken (names of new stages and jobs). */
export function uniqueName(prefix: string, taken: Iterable<string>, from = 1): string {
  const names = new Set(taken);
  let n = from;
  while (names.has(`${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

/** Sizes the drawing is built from, in pixels. */
export interface CanvasMetrics {
  stageWidth: number;
  stageGap: number;
  /** Room for the stage's title and its buttons. */
  stageHeader: number;
  stagePadding: number;
  jobGap: number;
  /** A job's name, image and buttons. */
  jobHeader: number;
  stepHeight: number;
  /** Room under a job's steps (its "add step" button). */
  jobFooter: number;
  /** The body of an approval stage. */
  gateHeight: number;
  /** The line saying when a stage or job runs (added only to those with a `when`). */
  conditionHeight: number;
}

export interface CanvasBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CanvasLayout {
  /** Each stage's lane, and its jobs' boxes relative to the lane. */
  stages: { lane: CanvasBox; jobs: CanvasBox[] }[];
  width: number;
  height: number;
}

/**
 * Where everything goes: stages as lanes of equal height from left to right, each stage's
 * parallel jobs stacked inside its lane, each job as tall as its steps need.
 */
export function layoutCanvas(stages: readonly CanvasStage[], metrics: CanvasMetrics): CanvasLayout {
  const inner = metrics.stageWidth - 2 * metrics.stagePadding;
  const columns = stages.map((stage) => {
    const header = metrics.stageHeader + (stage.when ? metrics.conditionHeight : 0);
    let y = header;
    const jobs = stage.jobs.map((job) => {
      const height =
        metrics.jobHeader +
        (job.when ? metrics.conditionHeight : 0) +
        job.steps.length * metrics.stepHeight +
        metrics.jobFooter;
      const box = { x: metrics.stagePadding, y, width: inner, height };
      y += height + metrics.jobGap;
      return box;
    });
    const content = stage.approval ? header + metrics.gateHeight : y - metrics.jobGap;
    return { jobs, height: content + metrics.stagePadding };
  });
  const height = Math.max(metrics.stageHeader + metrics.gateHeight, ...columns.map((c) => c.height));
  const laneStages = columns.map((column, i) => ({
    lane: { x: i * (metrics.stageWidth + metrics.stageGap), y: 0, width: metrics.stageWidth, height },
    jobs: column.jobs,
  }));
  const width = stages.length * metrics.stageWidth + Math.max(0, stages.length - 1) * metrics.stageGap;
  return { stages: laneStages, width, height };
}

import type { RunStatus } from '@slipway/contracts';

import type { PipelineRef } from '../../../app/paths.ts';

export type { PipelineRef } from '../../../app/paths.ts';

/** One run of a pipeline. */
export interface RunRef extends PipelineRef {
  number: number;
}

/** The history filters; each one optional. */
export interface RunFilters {
  status?: RunStatus;
  releaseType?: string;
  environment?: string;
  triggeredBy?: string;
}

export const runKeys = {
  all: ['runs'] as const,
  ofPipeline: (ref: PipelineRef) => [...runKeys.all, ref.workspace, ref.project, ref.pipeline] as const,
  lists: (ref: PipelineRef) => [...runKeys.ofPipeline(ref), 'list'] as const,
  list: (ref: PipelineRef, filters: RunFilters) => [...runKeys.lists(ref), filters] as const,
  latest: (ref: PipelineRef) => [...runKeys.lists(ref), 'latest'] as const,
  detail: (ref: RunRef) => [...runKeys.ofPipeline(ref), 'detail', ref.number] as const,
  logSearch: (ref: RunRef, job: string, step: number, text: string) =>
    [...runKeys.detail(ref), 'log-search', job, step, text] as const,
};

export function pipelineParams(ref: PipelineRef) {
  return { workspace: ref.workspace, project: ref.project, pipeline: ref.pipeline };
}

export function runParams(ref: RunRef) {
  return { ...pipelineParams(ref), number: ref.number };
}

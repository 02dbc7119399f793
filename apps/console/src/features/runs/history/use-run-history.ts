import { useState } from 'react';
import { usePipeline } from '../../pipelines/api/pipelines.ts';
import type { PipelineRef, RunFilters } from '../api/keys.ts';
import { isFinished, useRuns } from '../api/queries.ts';
import { releaseTypesOf, runnableSpec } from '../dialog/run-form.ts';
import { useNow } from '../use-now.ts';

/**
 * A pipeline's run history, newest first, a cursor page at a time (`runs` is the infinite
 * query), under the filters last applied; the release types its spec names (for the
 * filter); and a clock (`now`, ms) that ticks while a listed run is active.
 */
export function useRunHistory(target: PipelineRef) {
  const definition = usePipeline(target.workspace, target.project, target.pipeline);
  const spec = definition.data ? runnableSpec(definition.data) : undefined;
  const [filters, setFilters] = useState<RunFilters>({});
  const runs = useRuns(target, filters);
  const items = runs.data?.pages.flatMap((page) => page.items);
  const now = useNow((items ?? []).some((run) => !isFinished(run.status)));
  return {
    runs,
    items,
    filters,
    setFilters,
    filtered: Object.keys(filters).length > 0,
    releaseTypes: spec ? releaseTypesOf(spec) : [],
    now,
  };
}

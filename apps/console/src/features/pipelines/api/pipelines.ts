import { type Pipeline, pipelineEndpoints } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';

export const pipelineKeys = {
  all: ['pipelines'] as const,
  list: (workspace: string, project: string) => [...pipelineKeys.all, workspace, project, 'list'] as const,
  detail: (workspace: string, project: string, name: string) =>
    [...pipelineKeys.all, workspace, project, 'detail', name] as const,
  revisions: (workspace: string, project: string, name: string) =>
    [...pipelineKeys.all, workspace, project, 'revisions', name] as const,
  revision: (workspace: string, project: string, name: string, number: number) =>
    [...pipelineKeys.revisions(workspace, project, name), number] as const,
};

export function usePipelines(workspace: string, project: string) {
  return useQuery({
    queryKey: pipelineKeys.list(workspace, project),
    queryFn: () => callEndpoint(pipelineEndpoints.list, { params: { workspace, project } }),
  });
}

/** One pipeline; nothing is fetched while `name` is empty (e.g. none chosen yet). */
export function usePipeline(workspace: string, project: string, name: string) {
  return useQuery({
    queryKey: pipelineKeys.detail(workspace, project, name),
    queryFn: () => callEndpoint(pipelineEndpoints.get, { params: { workspace, project, pipeline: name } }),
    enabled: name !== '',
  });
}

export function usePipelineRevisions(workspace: string, project: string, name: string) {
  return useQuery({
    queryKey: pipelineKeys.revisions(workspace, project, name),
    queryFn: () =>
      callEndpoint(pipelineEndpoints.revisions, { params: { workspace, project, pipeline: name } }),
  });
}

/** One revision's spec, exactly as saved (revisions never change: cached for good); none while `number` is null. */
export function usePipelineRevision(workspace: string, project: string, name: string, number: number | null) {
  return useQuery({
    queryKey: pipelineKeys.revision(workspace, project, name, number ?? 0),
    queryFn: () =>
      callEndpoint(pipelineEndpoints.revision, {
        params: { workspace, project, pipeline: name, number: number ?? 0 },
      }),
    enabled: number !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useValidatePipeline(workspace: string, project: string) {
  return useMutation({
    mutationFn: (spec: string) =>
      callEndpoint(pipelineEndpoints.validate, { params: { workspace, project }, body: { spec } }),
  });
}

export function useCreatePipeline(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; spec: string }) =>
      callEndpoint(pipelineEndpoints.create, { params: { workspace, project }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pipelineKeys.list(workspace, project) }),
  });
}

/** A new revision saved: it becomes the pipeline's current one, and the lists show it. */
function useOnSaved(workspace: string, project: string, name: string) {
  const queryClient = useQueryClient();
  return async (saved: Pipeline) => {
    queryClient.setQueryData(pipelineKeys.detail(workspace, project, name), saved);
    await queryClient.invalidateQueries({
      queryKey: pipelineKeys.revisions(workspace, project, name),
      exact: true,
    });
    await queryClient.invalidateQueries({ queryKey: pipelineKeys.list(workspace, project) });
  };
}

export function useSavePipeline(workspace: string, project: string, name: string) {
  const onSuccess = useOnSaved(workspace, project, name);
  return useMutation({
    mutationFn: (body: { spec: string; baseRevision: number; message?: string }) =>
      callEndpoint(pipelineEndpoints.update, { params: { workspace, project, pipeline: name }, body }),
    onSuccess,
  });
}

/** Restores revision `number` as a new revision on top of `baseRevision` (409 when someone saved meanwhile). */
export function useRestoreRevision(workspace: string, project: string, name: string) {
  const onSuccess = useOnSaved(workspace, project, name);
  return useMutation({
    mutationFn: (input: { number: number; baseRevision: number; message?: string }) =>
      callEndpoint(pipelineEndpoints.restoreRevision, {
        params: { workspace, project, pipeline: name, number: input.number },
        body: {
          baseRevision: input.baseRevision,
          ...(input.message ? { message: input.message } : {}),
        },
      }),
    onSuccess,
  });
}

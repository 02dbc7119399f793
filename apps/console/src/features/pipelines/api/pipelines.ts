import { pipelineEndpoints } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';

export const pipelineKeys = {
  all: ['pipelines'] as const,
  list: (workspace: string, project: string) => [...pipelineKeys.all, workspace, project, 'list'] as const,
  detail: (workspace: string, project: string, name: string) =>
    [...pipelineKeys.all, workspace, project, 'detail', name] as const,
  revisions: (workspace: string, project: string, name: string) =>
    [...pipelineKeys.all, workspace, project, 'revisions', name] as const,
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

export function useSavePipeline(workspace: string, project: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { spec: string; baseRevision: number; message?: string }) =>
      callEndpoint(pipelineEndpoints.update, { params: { workspace, project, pipeline: name }, body }),
    onSuccess: async (saved) => {
      queryClient.setQueryData(pipelineKeys.detail(workspace, project, name), saved);
      await queryClient.invalidateQueries({ queryKey: pipelineKeys.revisions(workspace, project, name) });
      await queryClient.invalidateQueries({ queryKey: pipelineKeys.list(workspace, project) });
    },
  });
}

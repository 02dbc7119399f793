import { type CreateWorkspaceBody, type UpdateWorkspaceBody, workspaceEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { workspaceKeys } from './keys.ts';

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWorkspaceBody) => callEndpoint(workspaceEndpoints.create, { body }),
    onSuccess: (workspace) => {
      queryClient.setQueryData(workspaceKeys.detail(workspace.slug), workspace);
      return queryClient.invalidateQueries({ queryKey: workspaceKeys.lists() });
    },
  });
}

export function useUpdateWorkspace(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkspaceBody) =>
      callEndpoint(workspaceEndpoints.update, { params: { workspace: slug }, body }),
    onSuccess: (workspace) => {
      queryClient.setQueryData(workspaceKeys.detail(slug), workspace);
      return queryClient.invalidateQueries({ queryKey: workspaceKeys.lists() });
    },
  });
}

export function useDeleteWorkspace(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(workspaceEndpoints.delete, { params: { workspace: slug } }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: workspaceKeys.detail(slug) });
      return queryClient.invalidateQueries({ queryKey: workspaceKeys.lists() });
    },
  });
}

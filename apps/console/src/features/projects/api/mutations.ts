import { type CreateProjectBody, projectEndpoints, type UpdateProjectBody } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { templateKeys } from '../../templates/api/templates.ts';
import { workspaceKeys } from '../../workspaces/api/keys.ts';
import { projectKeys } from './keys.ts';

export function useCreateProject(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProjectBody) =>
      callEndpoint(projectEndpoints.create, { params: { workspace }, body }),
    onSuccess: async (created) => {
      // The project as GET returns it; what the import did is shown once, not cached.
      const { starter, ...project } = created;
      queryClient.setQueryData(projectKeys.detail(workspace, project.slug), project);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: projectKeys.lists(workspace) }),
        queryClient.invalidateQueries({ queryKey: workspaceKeys.all }),
        // An import may have published a starter template into the workspace.
        starter?.template ? queryClient.invalidateQueries({ queryKey: templateKeys.list(workspace) }) : null,
      ]);
    },
  });
}

export function useUpdateProject(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProjectBody) =>
      callEndpoint(projectEndpoints.update, { params: { workspace, project }, body }),
    onSuccess: (updated) => {
      queryClient.setQueryData(projectKeys.detail(workspace, project), updated);
      return queryClient.invalidateQueries({ queryKey: projectKeys.lists(workspace) });
    },
  });
}

export function useDeleteProject(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    /** `cancelRuns`: cancel the project's active runs first (else they refuse the delete, 409). */
    mutationFn: (input: { cancelRuns?: boolean } = {}) =>
      callEndpoint(projectEndpoints.delete, {
        params: { workspace, project },
        query: input.cancelRuns ? { cancelRuns: 'true' } : {},
      }),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: projectKeys.detail(workspace, project) });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: projectKeys.lists(workspace) }),
        queryClient.invalidateQueries({ queryKey: workspaceKeys.all }),
      ]);
    },
  });
}

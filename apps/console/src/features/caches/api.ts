import { cacheEndpoints } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../api/client.ts';

export const cacheKeys = {
  all: ['caches'] as const,
  list: (workspace: string, project: string) => [...cacheKeys.all, workspace, project] as const,
};

/** The project's job caches with their total and the server's limits. */
export function useCaches(workspace: string, project: string) {
  return useQuery({
    queryKey: cacheKeys.list(workspace, project),
    queryFn: () => callEndpoint(cacheEndpoints.list, { params: { workspace, project } }),
  });
}

/** Deletes all of the project's caches (`project.update`). */
export function useClearCaches(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(cacheEndpoints.clear, { params: { workspace, project } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cacheKeys.list(workspace, project) }),
  });
}

import { projectEndpoints } from '@slipway/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { projectKeys } from './keys.ts';

export function useProjects(workspace: string) {
  return useInfiniteQuery({
    queryKey: projectKeys.lists(workspace),
    queryFn: ({ pageParam }) =>
      callEndpoint(projectEndpoints.list, {
        params: { workspace },
        query: pageParam ? { cursor: pageParam } : {},
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useProject(workspace: string, project: string) {
  return useQuery({
    queryKey: projectKeys.detail(workspace, project),
    queryFn: () => callEndpoint(projectEndpoints.get, { params: { workspace, project } }),
  });
}

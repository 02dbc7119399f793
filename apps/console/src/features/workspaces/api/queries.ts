import { workspaceEndpoints } from '@slipway/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { workspaceKeys } from './keys.ts';

export function useWorkspaces() {
  return useInfiniteQuery({
    queryKey: workspaceKeys.lists(),
    queryFn: ({ pageParam }) =>
      callEndpoint(workspaceEndpoints.list, { query: pageParam ? { cursor: pageParam } : {} }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useWorkspace(slug: string) {
  return useQuery({
    queryKey: workspaceKeys.detail(slug),
    queryFn: () => callEndpoint(workspaceEndpoints.get, { params: { workspace: slug } }),
  });
}

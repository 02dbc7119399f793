import { type CreateClusterBody, clusterEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { clusterKeys } from './keys.ts';

export function useCreateCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateClusterBody) => callEndpoint(clusterEndpoints.create, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clusterKeys.all }),
  });
}

export function useCheckCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => callEndpoint(clusterEndpoints.check, { params: { cluster: name } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clusterKeys.all }),
  });
}

export function useDeleteCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    /** `cancelRuns`: cancel the active runs on the cluster first (else they refuse the delete, 409). */
    mutationFn: (input: { name: string; cancelRuns?: boolean }) =>
      callEndpoint(clusterEndpoints.delete, {
        params: { cluster: input.name },
        query: input.cancelRuns ? { cancelRuns: 'true' } : {},
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clusterKeys.all }),
  });
}

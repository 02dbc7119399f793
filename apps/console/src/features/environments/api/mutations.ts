import {
  type CreateEnvironmentBody,
  environmentEndpoints,
  type UpdateEnvironmentBody,
} from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { clusterKeys } from '../../clusters/api/keys.ts';
import { environmentKeys } from './keys.ts';

export function useCreateEnvironment(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEnvironmentBody) =>
      callEndpoint(environmentEndpoints.create, { params: { workspace }, body }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: environmentKeys.lists(workspace) });
      await queryClient.invalidateQueries({ queryKey: clusterKeys.all });
    },
  });
}

export function useUpdateEnvironment(workspace: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateEnvironmentBody) =>
      callEndpoint(environmentEndpoints.update, { params: { workspace, environment: name }, body }),
    onSuccess: async (environment) => {
      queryClient.setQueryData(environmentKeys.detail(workspace, name), environment);
      await queryClient.invalidateQueries({ queryKey: environmentKeys.lists(workspace) });
    },
  });
}

export function useDeleteEnvironment(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    /** `cancelRuns`: cancel the environment's active runs first (else they refuse the delete, 409). */
    mutationFn: (input: { name: string; deleteNamespace: boolean; cancelRuns?: boolean }) =>
      callEndpoint(environmentEndpoints.delete, {
        params: { workspace, environment: input.name },
        query: {
          ...(input.deleteNamespace ? { deleteNamespace: 'true' } : {}),
          ...(input.cancelRuns ? { cancelRuns: 'true' } : {}),
        },
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: environmentKeys.lists(workspace) });
      await queryClient.invalidateQueries({ queryKey: clusterKeys.all });
    },
  });
}

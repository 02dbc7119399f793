import { type ConfigData, configEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { configKeys } from './keys.ts';
import type { ConfigSetRef } from './queries.ts';

export function useCreateConfigSet(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; description?: string }) =>
      callEndpoint(configEndpoints.create, { params: { workspace, project }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: configKeys.list(workspace, project) }),
  });
}

export function useDeleteConfigSet(ref: ConfigSetRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(configEndpoints.delete, { params: { ...ref } }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: configKeys.project(ref.workspace, ref.project) }),
  });
}

/** Saves a new version for one environment; `baseVersion` makes a concurrent save a 409. */
export function useSaveConfigVersion(ref: ConfigSetRef, environment: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { data: ConfigData; message?: string; baseVersion?: number }) =>
      callEndpoint(configEndpoints.createVersion, { params: { ...ref, environment }, body }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: configKeys.project(ref.workspace, ref.project) }),
  });
}

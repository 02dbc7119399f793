import { type ManifestFiles, manifestEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { manifestKeys } from './keys.ts';
import type { ManifestSetRef } from './queries.ts';

export function useCreateManifestSet(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; files: ManifestFiles; message?: string }) =>
      callEndpoint(manifestEndpoints.create, { params: { workspace, project }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: manifestKeys.list(workspace, project) }),
  });
}

export function useDeleteManifestSet(ref: ManifestSetRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(manifestEndpoints.delete, { params: { ...ref } }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: manifestKeys.project(ref.workspace, ref.project) }),
  });
}

/** Saves the files as a new version; `baseVersion` makes a save on top of someone else's a 409. */
export function useSaveManifestVersion(ref: ManifestSetRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { files: ManifestFiles; message?: string; baseVersion?: number }) =>
      callEndpoint(manifestEndpoints.createVersion, { params: { ...ref }, body }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: manifestKeys.project(ref.workspace, ref.project) }),
  });
}

/** Checks files without saving (server-side: YAML, objects, placeholders; a dry run with `environment`). */
export function useValidateManifests(workspace: string, project: string) {
  return useMutation({
    mutationFn: (body: { files: ManifestFiles; environment?: string }) =>
      callEndpoint(manifestEndpoints.validate, { params: { workspace, project }, body }),
  });
}

import { kubernetesSchemaEndpoints, manifestEndpoints } from '@slipway/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { manifestKeys } from './keys.ts';

/** Where a manifest set lives: workspace and project slugs and the set's name. */
export interface ManifestSetRef {
  workspace: string;
  project: string;
  name: string;
}

export function useManifestSets(workspace: string, project: string) {
  return useQuery({
    queryKey: manifestKeys.list(workspace, project),
    queryFn: () => callEndpoint(manifestEndpoints.list, { params: { workspace, project } }),
  });
}

export function useManifestSet(ref: ManifestSetRef) {
  return useQuery({
    queryKey: manifestKeys.set(ref.workspace, ref.project, ref.name),
    queryFn: () => callEndpoint(manifestEndpoints.get, { params: { ...ref } }),
  });
}

/** Every version, newest first (without files). */
export function useManifestVersions(ref: ManifestSetRef) {
  return useQuery({
    queryKey: manifestKeys.versions(ref.workspace, ref.project, ref.name),
    queryFn: () => callEndpoint(manifestEndpoints.versions, { params: { ...ref } }),
  });
}

/**
 * One version with its files; versions never change, so a fetched one is kept. With
 * `keepPrevious`, the version shown before stays while the next one loads (an editor that
 * just saved keeps its state).
 */
export function useManifestVersion(ref: ManifestSetRef, version: number | null, keepPrevious = false) {
  return useQuery({
    queryKey: manifestKeys.version(ref.workspace, ref.project, ref.name, version ?? 0),
    queryFn: () =>
      callEndpoint(manifestEndpoints.getVersion, { params: { ...ref, version: String(version) } }),
    enabled: version !== null,
    staleTime: Number.POSITIVE_INFINITY,
    ...(keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
}

/**
 * The JSON Schema of Kubernetes objects for the editor: built from `environment`'s cluster
 * (its own OpenAPI v3, CRDs included) or, with `environment` null, the built-in one of the
 * core kinds. Large, so fetched only when asked for and once per environment per page load.
 */
export function useKubernetesSchema(workspace: string, environment: string | null) {
  return useQuery({
    queryKey: manifestKeys.kubernetesSchema(workspace, environment),
    queryFn: () =>
      environment === null
        ? callEndpoint(kubernetesSchemaEndpoints.builtIn)
        : callEndpoint(kubernetesSchemaEndpoints.environment, { params: { workspace, environment } }),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

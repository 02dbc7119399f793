import { configEndpoints } from '@slipway/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { configKeys } from './keys.ts';

/** Where a config set lives: workspace and project slugs and the set's name. */
export interface ConfigSetRef {
  workspace: string;
  project: string;
  name: string;
}

export function useConfigSets(workspace: string, project: string) {
  return useQuery({
    queryKey: configKeys.list(workspace, project),
    queryFn: () => callEndpoint(configEndpoints.list, { params: { workspace, project } }),
  });
}

export function useConfigSet(ref: ConfigSetRef) {
  return useQuery({
    queryKey: configKeys.set(ref.workspace, ref.project, ref.name),
    queryFn: () => callEndpoint(configEndpoints.get, { params: { ...ref } }),
  });
}

/** Every version of the set in one environment, newest first. */
export function useConfigVersions(ref: ConfigSetRef, environment: string) {
  return useQuery({
    queryKey: configKeys.versions(ref.workspace, ref.project, ref.name, environment),
    queryFn: () => callEndpoint(configEndpoints.versions, { params: { ...ref, environment } }),
  });
}

/**
 * One version with its entries; versions never change, so a fetched one is kept. With
 * `keepPrevious`, the version shown before stays while the next one loads (an editor that
 * just saved keeps its state).
 */
export function useConfigVersion(
  ref: ConfigSetRef,
  environment: string,
  version: number | null,
  keepPrevious = false,
) {
  return useQuery({
    queryKey: configKeys.version(ref.workspace, ref.project, ref.name, environment, version ?? 0),
    queryFn: () =>
      callEndpoint(configEndpoints.getVersion, {
        params: { ...ref, environment, version: String(version) },
      }),
    enabled: version !== null,
    staleTime: Number.POSITIVE_INFINITY,
    ...(keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
}

/** Key by key changes from version `from` to version `to` (the server's diff; immutable, kept). */
export function useConfigDiff(
  ref: ConfigSetRef,
  environment: string,
  range: { from: number; to: number } | null,
) {
  return useQuery({
    queryKey: configKeys.diff(
      ref.workspace,
      ref.project,
      ref.name,
      environment,
      range?.from ?? 0,
      range?.to ?? 0,
    ),
    queryFn: () =>
      callEndpoint(configEndpoints.diff, {
        params: { ...ref, environment },
        query: { from: range?.from ?? 1, to: range?.to ?? 1 },
      }),
    enabled: range !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

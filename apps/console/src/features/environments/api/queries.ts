import { environmentEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { environmentKeys } from './keys.ts';

export function useEnvironments(workspace: string) {
  return useQuery({
    queryKey: environmentKeys.lists(workspace),
    queryFn: () => callEndpoint(environmentEndpoints.list, { params: { workspace } }),
  });
}

export function useEnvironment(workspace: string, name: string) {
  return useQuery({
    queryKey: environmentKeys.detail(workspace, name),
    queryFn: () => callEndpoint(environmentEndpoints.get, { params: { workspace, environment: name } }),
  });
}

/** Read live from the cluster; refreshed every few seconds while the page is open. */
export function useEnvironmentWorkloads(workspace: string, name: string, enabled: boolean) {
  return useQuery({
    queryKey: environmentKeys.workloads(workspace, name),
    queryFn: () => callEndpoint(environmentEndpoints.workloads, { params: { workspace, environment: name } }),
    enabled,
    refetchInterval: 5_000,
  });
}

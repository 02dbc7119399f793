import { clusterEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { clusterKeys } from './keys.ts';

export function useClusters(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: clusterKeys.lists(),
    queryFn: () => callEndpoint(clusterEndpoints.list, { query: { limit: 200 } }),
    enabled: options.enabled ?? true,
  });
}

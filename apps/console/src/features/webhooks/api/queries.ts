import { webhookEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { webhookKeys } from './keys.ts';

/** Refreshed while the page is open: deliveries arrive from outside the console. */
const LIVE_MS = 5_000;

export function useWebhooks(workspace: string, project: string) {
  return useQuery({
    queryKey: webhookKeys.list(workspace, project),
    queryFn: () => callEndpoint(webhookEndpoints.list, { params: { workspace, project } }),
    refetchInterval: LIVE_MS,
  });
}

export function useWebhookDeliveries(workspace: string, project: string, name: string) {
  return useQuery({
    queryKey: webhookKeys.deliveries(workspace, project, name),
    queryFn: () =>
      callEndpoint(webhookEndpoints.deliveries, {
        params: { workspace, project, webhook: name },
        query: { limit: 50 },
      }),
    refetchInterval: LIVE_MS,
  });
}

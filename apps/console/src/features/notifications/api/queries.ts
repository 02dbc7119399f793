import { notificationEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { notificationKeys } from './keys.ts';

/** Deliveries are retried in the background (with backoff): the log is read again while shown (ms). */
const LIVE_MS = 5_000;

export function useNotificationChannels(workspace: string) {
  return useQuery({
    queryKey: notificationKeys.list(workspace),
    queryFn: () => callEndpoint(notificationEndpoints.list, { params: { workspace } }),
  });
}

/** One channel's delivery log, newest first (the latest 50). */
export function useNotificationDeliveries(workspace: string, channel: string) {
  return useQuery({
    queryKey: notificationKeys.deliveries(workspace, channel),
    queryFn: () =>
      callEndpoint(notificationEndpoints.deliveries, {
        params: { workspace, channel },
        query: { limit: 50 },
      }),
    refetchInterval: LIVE_MS,
  });
}

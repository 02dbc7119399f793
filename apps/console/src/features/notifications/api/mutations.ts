import { type EndpointBody, notificationEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { notificationKeys } from './keys.ts';

/** A new channel as the API takes it. */
export type CreateChannelBody = EndpointBody<typeof notificationEndpoints.create>;
/** A channel's changes as the API takes them (name and type stay). */
export type UpdateChannelBody = EndpointBody<typeof notificationEndpoints.update>;

export function useCreateNotificationChannel(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateChannelBody) =>
      callEndpoint(notificationEndpoints.create, { params: { workspace }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.list(workspace) }),
  });
}

export function useUpdateNotificationChannel(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { channel: string; body: UpdateChannelBody }) =>
      callEndpoint(notificationEndpoints.update, {
        params: { workspace, channel: input.channel },
        body: input.body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.list(workspace) }),
  });
}

export function useDeleteNotificationChannel(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (channel: string) =>
      callEndpoint(notificationEndpoints.delete, { params: { workspace, channel } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

/** Queues a test notification; the channel's delivery log shows how it went. */
export function useTestNotificationChannel(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (channel: string) =>
      callEndpoint(notificationEndpoints.test, { params: { workspace, channel } }),
    onSuccess: (_, channel) =>
      queryClient.invalidateQueries({ queryKey: notificationKeys.deliveries(workspace, channel) }),
  });
}

/** Query keys of a workspace's notification channels and each channel's delivery log. */
export const notificationKeys = {
  all: ['notification-channels'] as const,
  list: (workspace: string) => [...notificationKeys.all, workspace, 'list'] as const,
  deliveries: (workspace: string, channel: string) =>
    [...notificationKeys.all, workspace, 'deliveries', channel] as const,
};

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: (workspace: string, project: string) => [...webhookKeys.all, workspace, project, 'list'] as const,
  deliveries: (workspace: string, project: string, name: string) =>
    [...webhookKeys.all, workspace, project, 'deliveries', name] as const,
};

export const clusterKeys = {
  all: ['clusters'] as const,
  lists: () => [...clusterKeys.all, 'list'] as const,
  detail: (name: string) => [...clusterKeys.all, 'detail', name] as const,
};

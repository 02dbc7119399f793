export const workspaceKeys = {
  all: ['workspaces'] as const,
  lists: () => [...workspaceKeys.all, 'list'] as const,
  detail: (slug: string) => [...workspaceKeys.all, 'detail', slug] as const,
};

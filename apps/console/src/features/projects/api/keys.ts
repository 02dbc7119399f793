export const projectKeys = {
  all: ['projects'] as const,
  lists: (workspace: string) => [...projectKeys.all, workspace, 'list'] as const,
  detail: (workspace: string, project: string) => [...projectKeys.all, workspace, 'detail', project] as const,
};

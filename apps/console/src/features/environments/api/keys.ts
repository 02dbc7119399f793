export const environmentKeys = {
  all: ['environments'] as const,
  lists: (workspace: string) => [...environmentKeys.all, workspace, 'list'] as const,
  detail: (workspace: string, name: string) => [...environmentKeys.all, workspace, 'detail', name] as const,
  workloads: (workspace: string, name: string) =>
    [...environmentKeys.all, workspace, 'workloads', name] as const,
};

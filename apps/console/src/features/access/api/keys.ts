export const accessKeys = {
  all: ['access'] as const,
  permissions: (workspace?: string, project?: string) =>
    [...accessKeys.all, 'permissions', workspace ?? '', project ?? ''] as const,
  catalogue: () => [...accessKeys.all, 'catalogue'] as const,
  roles: (workspace: string) => [...accessKeys.all, 'roles', workspace] as const,
};

export const credentialKeys = {
  all: ['credentials'] as const,
  lists: (workspace: string) => [...credentialKeys.all, workspace, 'list'] as const,
};

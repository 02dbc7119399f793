/** Query keys of manifest sets (a project's list, one set, its versions, one version) and of Kubernetes schemas. */
export const manifestKeys = {
  all: ['manifest-sets'] as const,
  project: (workspace: string, project: string) => [...manifestKeys.all, workspace, project] as const,
  list: (workspace: string, project: string) =>
    [...manifestKeys.project(workspace, project), 'list'] as const,
  set: (workspace: string, project: string, name: string) =>
    [...manifestKeys.project(workspace, project), 'set', name] as const,
  versions: (workspace: string, project: string, name: string) =>
    [...manifestKeys.set(workspace, project, name), 'versions'] as const,
  version: (workspace: string, project: string, name: string, version: number) =>
    [...manifestKeys.set(workspace, project, name), 'version', version] as const,
  /** The built-in schema (`environment` null) or the one of an environment's cluster. */
  kubernetesSchema: (workspace: string, environment: string | null) =>
    ['kubernetes-schema', environment === null ? 'built-in' : workspace, environment ?? ''] as const,
};

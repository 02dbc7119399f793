/** Query keys of config sets: a project's list, one set, one environment's versions, one version, a diff. */
export const configKeys = {
  all: ['config-sets'] as const,
  project: (workspace: string, project: string) => [...configKeys.all, workspace, project] as const,
  list: (workspace: string, project: string) => [...configKeys.project(workspace, project), 'list'] as const,
  set: (workspace: string, project: string, name: string) =>
    [...configKeys.project(workspace, project), 'set', name] as const,
  versions: (workspace: string, project: string, name: string, environment: string) =>
    [...configKeys.set(workspace, project, name), environment, 'versions'] as const,
  version: (workspace: string, project: string, name: string, environment: string, version: number) =>
    [...configKeys.set(workspace, project, name), environment, 'version', version] as const,
  diff: (workspace: string, project: string, name: string, environment: string, from: number, to: number) =>
    [...configKeys.set(workspace, project, name), environment, 'diff', from, to] as const,
};

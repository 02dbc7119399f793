import { AbilityBuilder, createMongoAbility, type MongoAbility, subject } from '@casl/ability';
import { BUILT_IN_ROLES, type Permission, permissionsAt } from '@slipway/contracts';

/** Every role a user holds, with the permissions each gives (custom roles already resolved). */
export interface Grants {
  platformAdmin: boolean;
  workspaces: { workspaceId: string; permissions: Permission[] }[];
  projects: { projectId: string; workspaceId: string; permissions: Permission[] }[];
}

type Subjects =
  | 'all'
  | 'Platform'
  | 'Workspace'
  | 'Project'
  | ReturnType<typeof subject<'Workspace', { id: string }>>
  | ReturnType<typeof subject<'Project', { id: string; workspaceId: string }>>;
export type AppAbility = MongoAbility<[Permission | 'manage', Subjects]>;

const WORKSPACE_LEVEL = new Set<Permission>(permissionsAt('workspace'));
const PROJECT_LEVEL = new Set<Permission>(permissionsAt('project'));

/**
 * Builds the CASL ability: platform admins may do everything; a workspace role applies
 * to the workspace and (its project permissions) to every project in it; a project role
 * adds to that for one project. Project members may see their workspace.
 */
export function buildAbility(grants: Grants): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (grants.platformAdmin) can('manage', 'all');
  for (const grant of grants.workspaces) {
    for (const permission of grant.permissions) {
      if (WORKSPACE_LEVEL.has(permission)) can(permission, 'Workspace', { id: grant.workspaceId });
      if (PROJECT_LEVEL.has(permission)) can(permission, 'Project', { workspaceId: grant.workspaceId });
    }
  }
  for (const grant of grants.projects) {
    can('workspace.read', 'Workspace', { id: grant.workspaceId });
    for (const permission of grant.permissions) {
      if (PROJECT_LEVEL.has(permission)) can(permission, 'Project', { id: grant.projectId });
    }
  }
  return build();
}

export function workspaceSubject(workspaceId: string) {
  return subject('Workspace', { id: workspaceId });
}

export function projectSubject(workspaceId: string, projectId: string) {
  return subject('Project', { id: projectId, workspaceId });
}

/** A role's permissions: built-in roles from the catalogue, custom ones from the workspace. */
export function permissionsOfRole(
  role: string,
  customRoles: ReadonlyMap<string, Permission[]>,
): Permission[] {
  const builtIn = BUILT_IN_ROLES[role as keyof typeof BUILT_IN_ROLES];
  if (builtIn) return [...builtIn.permissions];
  return customRoles.get(role) ?? [];
}

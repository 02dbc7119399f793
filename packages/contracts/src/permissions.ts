import { z } from 'zod';

/**
 * Every permission Slipway checks, with the level it applies at and what it allows.
 * The custom-role editor and the console's gates are generated from this list; the
 * server's checks use the same names.
 */
export const PERMISSIONS = {
  // Platform: granted only to platform admins.
  'platform.users.manage': {
    level: 'platform',
    description: 'Create, disable and delete users; reset passwords',
  },
  'platform.clusters.manage': {
    level: 'platform',
    description: 'Register, check and remove Kubernetes clusters',
  },
  'platform.workspaces.create': { level: 'platform', description: 'Create workspaces' },
  'platform.audit.read': { level: 'platform', description: 'Read the audit log of the whole platform' },
  // Workspace.
  'workspace.read': { level: 'workspace', description: 'See the workspace, its environments and members' },
  'workspace.update': { level: 'workspace', description: 'Rename the workspace and change its description' },
  'workspace.delete': { level: 'workspace', description: 'Delete the (empty) workspace' },
  'workspace.members.manage': {
    level: 'workspace',
    description: 'Add, change and remove workspace members; manage custom roles',
  },
  'workspace.environments.manage': {
    level: 'workspace',
    description: 'Create, change and delete environments and their approval policies',
  },
  'workspace.credentials.manage': {
    level: 'workspace',
    description: 'Create, change and delete credentials; their values are never shown',
  },
  'workspace.audit.read': { level: 'workspace', description: 'Read the audit log of this workspace' },
  'workspace.templates.manage': {
    level: 'workspace',
    description: 'Create pipeline templates and publish new versions of them',
  },
  'project.create': { level: 'workspace', description: 'Create projects in the workspace' },
  // Project (granted per project, or to all projects through a workspace role).
  'project.read': { level: 'project', description: 'See the project, its pipelines, runs and releases' },
  'project.update': { level: 'project', description: 'Change the project’s name, repository and branch' },
  'project.delete': { level: 'project', description: 'Delete the project' },
  'project.members.manage': { level: 'project', description: 'Add, change and remove project members' },
  'pipeline.edit': { level: 'project', description: 'Create and edit pipelines' },
  'pipeline.run': { level: 'project', description: 'Run, retry and cancel pipelines' },
  'config.edit': { level: 'project', description: 'Change the project’s configuration and manifests' },
  'deploy.nonproduction': { level: 'project', description: 'Deploy to environments not marked production' },
  'deploy.production': { level: 'project', description: 'Deploy to production environments' },
  'approval.decide': { level: 'project', description: 'Approve or reject deploys waiting for approval' },
  'release.rollback': { level: 'project', description: 'Roll a release back' },
} as const satisfies Record<string, { level: 'platform' | 'workspace' | 'project'; description: string }>;

export type Permission = keyof typeof PERMISSIONS;
export type PermissionLevel = (typeof PERMISSIONS)[Permission]['level'];
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function permissionsAt(level: PermissionLevel): Permission[] {
  return PERMISSION_NAMES.filter((name) => PERMISSIONS[name].level === level);
}

const PROJECT = permissionsAt('project');
const DEVELOPER: Permission[] = [
  'project.read',
  'pipeline.edit',
  'pipeline.run',
  'config.edit',
  'deploy.nonproduction',
];
const OPERATOR: Permission[] = [...DEVELOPER, 'deploy.production', 'approval.decide', 'release.rollback'];

/** Built-in roles: fixed, not editable. Workspace roles also grant project permissions on every project. */
export const BUILT_IN_ROLES = {
  'workspace-admin': {
    scope: 'workspace',
    description: 'Everything in the workspace: members, roles, environments and all projects',
    permissions: [...permissionsAt('workspace'), ...PROJECT],
  },
  'workspace-member': {
    scope: 'workspace',
    description: 'Create projects and see all projects',
    permissions: ['workspace.read', 'project.create', 'project.read'],
  },
  'workspace-viewer': {
    scope: 'workspace',
    description: 'Read only',
    permissions: ['workspace.read', 'project.read'],
  },
  'project-admin': {
    scope: 'project',
    description: 'Everything in the project, including its members',
    permissions: PROJECT,
  },
  developer: {
    scope: 'project',
    description: 'Edit pipelines and config, run pipelines, deploy to non-production environments',
    permissions: DEVELOPER,
  },
  operator: {
    scope: 'project',
    description: 'What a developer can, plus deploy to production, approve and roll back',
    permissions: OPERATOR,
  },
  viewer: { scope: 'project', description: 'Read only', permissions: ['project.read'] },
} as const satisfies Record<
  string,
  { scope: 'workspace' | 'project'; description: string; permissions: Permission[] }
>;

export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;
export const PLATFORM_ADMIN_ROLE = 'platform-admin';

export const PermissionSchema = z.enum(PERMISSION_NAMES as [Permission, ...Permission[]]);
export const RoleScopeSchema = z.enum(['workspace', 'project']);

export const PermissionInfoSchema = z.object({
  name: PermissionSchema,
  level: z.enum(['platform', 'workspace', 'project']),
  description: z.string(),
});

export const RoleSchema = z.object({
  name: z.string(),
  scope: RoleScopeSchema,
  description: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(PermissionSchema),
});
export type Role = z.infer<typeof RoleSchema>;

/** What the console may show for the signed-in user, at the requested levels. */
export const MyPermissionsSchema = z.object({
  platformAdmin: z.boolean(),
  platform: z.array(PermissionSchema),
  workspace: z.array(PermissionSchema),
  project: z.array(PermissionSchema),
});
export type MyPermissions = z.infer<typeof MyPermissionsSchema>;

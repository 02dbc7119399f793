import type { Permission } from '@slipway/contracts';
import { permissionsAt } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { AnnounceAuthChange, AuthCache } from '../auth/auth-cache.ts';
import {
  type AppAbility,
  buildAbility,
  type Grants,
  permissionsOfRole,
  projectSubject,
  workspaceSubject,
} from './ability.ts';
import type { AccessRepo } from './access.repo.ts';

export interface WorkspaceRef {
  id: string;
  slug: string;
}

export interface ProjectRef {
  id: string;
  slug: string;
  workspaceId: string;
}

/**
 * Authorization for the services. Objects the actor may not read answer 404 (their
 * existence is not revealed); objects they may read but not change answer 403.
 */
export function createAccessService(deps: {
  repo: AccessRepo;
  /** Grants and abilities are kept here (per user, token workspace and admin flag) between requests. */
  cache?: AuthCache['grants'] | undefined;
  /** Announces a membership change to every replica's caches. */
  authChanged?: AnnounceAuthChange | undefined;
}) {
  // One ability per actor object, i.e. per request, taken from the cache when it has one.
  const resolved = new WeakMap<Actor, Promise<{ grants: Grants; ability: AppAbility }>>();

  async function load(actor: Actor) {
    const grants = await loadGrants(actor);
    return { userId: actor.userId, grants, ability: buildAbility(grants) };
  }

  function resolve(actor: Actor): Promise<{ grants: Grants; ability: AppAbility }> {
    let entry = resolved.get(actor);
    if (!entry) {
      const key = `${actor.userId}|${actor.platformAdmin}|${actor.tokenWorkspaceId ?? ''}`;
      entry = (deps.cache ? deps.cache.get(key, () => load(actor)) : load(actor)) as Promise<{
        grants: Grants;
        ability: AppAbility;
      }>;
      resolved.set(actor, entry);
    }
    return entry;
  }

  const grantsOf = async (actor: Actor) => (await resolve(actor)).grants;

  async function loadGrants(actor: Actor): Promise<Grants> {
    const { workspaceRoles, projectRoles, customRoles } = await deps.repo.loadGrants(actor.userId);
    const customByWorkspace = new Map<string, Map<string, Permission[]>>();
    for (const role of customRoles) {
      const roles = customByWorkspace.get(role.workspaceId) ?? new Map<string, Permission[]>();
      roles.set(role.name, role.permissions as Permission[]);
      customByWorkspace.set(role.workspaceId, roles);
    }
    const rolesIn = (workspaceId: string) => customByWorkspace.get(workspaceId) ?? new Map();
    let grants: Grants = {
      platformAdmin: actor.platformAdmin,
      workspaces: workspaceRoles.map((m) => ({
        workspaceId: m.workspaceId,
        permissions: permissionsOfRole(m.role, rolesIn(m.workspaceId)),
      })),
      projects: projectRoles.map((m) => ({
        projectId: m.projectId,
        workspaceId: m.project.workspaceId,
        permissions: permissionsOfRole(m.role, rolesIn(m.project.workspaceId)),
      })),
    };
    // A token limited to one workspace acts only there; a platform admin's such token
    // acts as that workspace's admin.
    if (actor.tokenWorkspaceId) {
      const only = actor.tokenWorkspaceId;
      grants = {
        platformAdmin: false,
        workspaces: actor.platformAdmin
          ? [{ workspaceId: only, permissions: [...permissionsAt('workspace'), ...permissionsAt('project')] }]
          : grants.workspaces.filter((g) => g.workspaceId === only),
        projects: grants.projects.filter((g) => g.workspaceId === only),
      };
    }
    return grants;
  }

  const abilityOf = async (actor: Actor): Promise<AppAbility> => (await resolve(actor)).ability;

  const denied = (permission: Permission) =>
    new ForbiddenError(`you do not have the permission ${permission}`, [{ message: permission }]);

  return {
    abilityOf,
    /** A user's memberships changed (e.g. they created a workspace or project and hold its admin role). */
    async membershipChanged(userId: string): Promise<void> {
      await deps.authChanged?.({ grantsOf: userId });
    },

    async requirePlatform(actor: Actor, permission: Permission): Promise<void> {
      const ability = await abilityOf(actor);
      if (!ability.can(permission, 'Platform')) throw denied(permission);
    },

    /** For workspace-level permissions: 404 when the workspace is invisible, 403 when visible but not allowed. */
    async requireWorkspace(actor: Actor, workspace: WorkspaceRef, permission: Permission): Promise<void> {
      const ability = await abilityOf(actor);
      if (!ability.can('workspace.read', workspaceSubject(workspace.id))) {
        throw new NotFoundError(`workspace "${workspace.slug}" not found`);
      }
      if (!ability.can(permission, workspaceSubject(workspace.id))) throw denied(permission);
    },

    async requireProject(actor: Actor, project: ProjectRef, permission: Permission): Promise<void> {
      const ability = await abilityOf(actor);
      const target = projectSubject(project.workspaceId, project.id);
      if (!ability.can('project.read', target))
        throw new NotFoundError(`project "${project.slug}" not found`);
      if (!ability.can(permission, target)) throw denied(permission);
    },

    /**
     * The projects the actor may read anywhere, for a list filtered in its query: every
     * project of `workspaceIds` (a workspace role covers them) plus `projectIds` (project
     * roles), or 'all' for platform admins.
     */
    async readableProjects(actor: Actor): Promise<'all' | { workspaceIds: string[]; projectIds: string[] }> {
      const { grants, ability } = await resolve(actor);
      if (grants.platformAdmin) return 'all';
      const covered = (workspaceId: string) =>
        ability.can('project.read', projectSubject(workspaceId, '00000000-0000-0000-0000-000000000000'));
      return {
        workspaceIds: [...new Set(grants.workspaces.map((g) => g.workspaceId))].filter(covered),
        projectIds: grants.projects
          .filter((g) => g.permissions.includes('project.read'))
          .map((g) => g.projectId),
      };
    },

    /** Whether the actor may see the workspace (no query: the caller has its id). */
    async canReadWorkspace(actor: Actor, workspaceId: string): Promise<boolean> {
      return (await abilityOf(actor)).can('workspace.read', workspaceSubject(workspaceId));
    },

    /** Workspace ids the actor may see, or 'all' for platform admins. */
    async visibleWorkspaceIds(actor: Actor): Promise<string[] | 'all'> {
      const grants = await grantsOf(actor);
      if (grants.platformAdmin) return 'all';
      return [...new Set([...grants.workspaces, ...grants.projects].map((g) => g.workspaceId))];
    },

    /** Project ids of one workspace the actor may see, or 'all' when a workspace role covers them. */
    async visibleProjectIds(actor: Actor, workspaceId: string): Promise<string[] | 'all'> {
      const ability = await abilityOf(actor);
      // Only a workspace-wide rule (or platform admin) matches a project id nobody has.
      if (ability.can('project.read', projectSubject(workspaceId, '00000000-0000-0000-0000-000000000000'))) {
        return 'all';
      }
      const grants = await grantsOf(actor);
      return grants.projects
        .filter((g) => g.workspaceId === workspaceId && g.permissions.includes('project.read'))
        .map((g) => g.projectId);
    },

    /** What the actor holds at each level, for the console's gates. */
    async permissionsFor(
      actor: Actor,
      scope: { workspace?: WorkspaceRef; project?: ProjectRef },
    ): Promise<{ platform: Permission[]; workspace: Permission[]; project: Permission[] }> {
      const ability = await abilityOf(actor);
      const allowed = (names: Permission[], target: Parameters<AppAbility['can']>[1]) =>
        names.filter((name) => ability.can(name, target));
      return {
        platform: allowed(permissionsAt('platform'), 'Platform'),
        workspace: scope.workspace
          ? allowed(permissionsAt('workspace'), workspaceSubject(scope.workspace.id))
          : [],
        project: scope.project
          ? allowed(permissionsAt('project'), projectSubject(scope.project.workspaceId, scope.project.id))
          : [],
      };
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;

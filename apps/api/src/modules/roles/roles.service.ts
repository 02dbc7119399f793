import {
  BUILT_IN_ROLES,
  PERMISSION_NAMES,
  PERMISSIONS,
  type Permission,
  permissionsAt,
  type Role,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { AnnounceAuthChange } from '../auth/auth-cache.ts';
import type { MembersRepo } from '../members/members.repo.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { CustomRoleRow, RolesRepo } from './roles.repo.ts';

const builtInRoles: Role[] = Object.entries(BUILT_IN_ROLES).map(([name, role]) => ({
  name,
  scope: role.scope,
  description: role.description,
  builtIn: true,
  permissions: [...role.permissions],
}));

function toRole(row: CustomRoleRow): Role {
  return {
    name: row.name,
    scope: row.scope === 'project' ? 'project' : 'workspace',
    description: row.description ?? '',
    builtIn: false,
    permissions: row.permissions as Permission[],
  };
}

/** Which permissions a role of this scope may contain: never platform ones. */
function assertPermissionsFit(scope: 'workspace' | 'project', permissions: Permission[]): void {
  const allowed = new Set<Permission>(
    scope === 'project'
      ? permissionsAt('project')
      : [...permissionsAt('workspace'), ...permissionsAt('project')],
  );
  const misfits = permissions.filter((p) => !allowed.has(p));
  if (misfits.length > 0) {
    throw new BadRequestError(`a ${scope} role cannot hold ${misfits.join(', ')}`, [
      { field: 'body.permissions', message: `not allowed in a ${scope} role: ${misfits.join(', ')}` },
    ]);
  }
}

export function createRolesService(deps: {
  roles: RolesRepo;
  members: MembersRepo;
  workspaces: WorkspacesService;
  /** A custom role's change (or removal) is announced to the permission caches of every user. */
  authChanged?: AnnounceAuthChange | undefined;
}) {
  const { roles, members, workspaces } = deps;
  const changed = () => deps.authChanged?.({ allGrants: true });

  async function findCustom(workspaceId: string, workspaceSlug: string, name: string) {
    if (name in BUILT_IN_ROLES) throw new ConflictError(`"${name}" is a built-in role and cannot be changed`);
    const row = await roles.find(workspaceId, name);
    if (!row) throw new NotFoundError(`role "${name}" not found in workspace "${workspaceSlug}"`);
    return row;
  }

  return {
    catalogue() {
      return {
        items: PERMISSION_NAMES.map((name) => ({ name, ...PERMISSIONS[name] })),
      };
    },

    /** The roles usable in a workspace at a scope; for validating member role names. */
    async rolesFor(workspaceId: string, scope: 'workspace' | 'project'): Promise<string[]> {
      const custom = (await roles.list(workspaceId)).filter((r) => r.scope === scope).map((r) => r.name);
      return [...builtInRoles.filter((r) => r.scope === scope).map((r) => r.name), ...custom];
    },

    /**
     * The roles a pipeline's approval gate may name in a workspace: every built-in role and
     * every custom role of the workspace (not platform-admin, which grants nothing in a
     * workspace). No permission check: a pipeline's validation asks, not a user.
     */
    async gateRoles(workspaceId: string): Promise<string[]> {
      return [...builtInRoles.map((r) => r.name), ...(await roles.list(workspaceId)).map((r) => r.name)];
    },

    async list(actor: Actor, workspaceSlug: string): Promise<{ items: Role[] }> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      return { items: [...builtInRoles, ...(await roles.list(workspace.id)).map(toRole)] };
    },

    async create(
      actor: Actor,
      workspaceSlug: string,
      body: {
        name: string;
        description?: string | undefined;
        scope: 'workspace' | 'project';
        permissions: Permission[];
      },
    ): Promise<Role> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
      if (body.name in BUILT_IN_ROLES || body.name === 'platform-admin') {
        throw new ConflictError(`"${body.name}" is a built-in role name`, [
          { field: 'body.name', message: 'reserved' },
        ]);
      }
      assertPermissionsFit(body.scope, body.permissions);
      try {
        return toRole(
          await roles.create({
            workspaceId: workspace.id,
            name: body.name,
            description: body.description ?? null,
            scope: body.scope,
            permissions: [...new Set(body.permissions)],
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`role "${body.name}" already exists`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async update(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      body: { description?: string | null | undefined; permissions?: Permission[] | undefined },
    ): Promise<Role> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
      const row = await findCustom(workspace.id, workspaceSlug, name);
      if (body.permissions) assertPermissionsFit(toRole(row).scope, body.permissions);
      const updated = toRole(
        await roles.update(row.id, {
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.permissions ? { permissions: [...new Set(body.permissions)] } : {}),
        }),
      );
      await changed();
      noteChanges(toRole(row), updated, ['description', 'permissions']);
      return updated;
    },

    async delete(actor: Actor, workspaceSlug: string, name: string): Promise<void> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
      const row = await findCustom(workspace.id, workspaceSlug, name);
      const holders = await members.holdersOfRole(workspace.id, name);
      if (holders.length > 0) {
        throw new ConflictError(
          `role "${name}" is held by ${holders.join(', ')}; give them another role first`,
        );
      }
      await roles.delete(row.id);
      await changed();
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;

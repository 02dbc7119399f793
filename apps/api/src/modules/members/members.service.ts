import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { AnnounceAuthChange } from '../auth/auth-cache.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { RolesService } from '../roles/roles.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { MemberRow, MembersRepo } from './members.repo.ts';

function toMember(row: MemberRow) {
  return {
    user: row.user.username,
    displayName: row.user.displayName,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  };
}

export function createMembersService(deps: {
  members: MembersRepo;
  roles: RolesService;
  workspaces: WorkspacesService;
  projects: ProjectsService;
  /** Every membership change is announced to the permission caches. */
  authChanged?: AnnounceAuthChange | undefined;
}) {
  const { members, roles, workspaces, projects } = deps;
  const changed = (userId: string) => deps.authChanged?.({ grantsOf: userId });

  async function userOrThrow(username: string) {
    const user = await members.findUser(username);
    if (!user)
      throw new BadRequestError(`no user named "${username}"`, [
        { field: 'body.user', message: 'unknown user' },
      ]);
    return user;
  }

  /**
   * The membership of the user named in the path: 404 when that user does not exist or is not
   * a member of `where` (the path names the resource; an unknown one is not a bad body field).
   */
  async function memberOrThrow(
    username: string,
    where: string,
    find: (userId: string) => Promise<MemberRow | null>,
  ): Promise<MemberRow> {
    const user = await members.findUser(username);
    const row = user ? await find(user.id) : null;
    if (!row) throw new NotFoundError(`"${username}" is not a member of ${where}`);
    return row;
  }

  async function assertRole(
    workspaceId: string,
    scope: 'workspace' | 'project',
    role: string,
  ): Promise<void> {
    const valid = await roles.rolesFor(workspaceId, scope);
    if (!valid.includes(role)) {
      throw new BadRequestError(`"${role}" is not a ${scope} role here; use one of: ${valid.join(', ')}`, [
        { field: 'body.role', message: `not a ${scope} role` },
      ]);
    }
  }

  const duplicate = (username: string, where: string) =>
    new ConflictError(`"${username}" is already a member of ${where}; change their role instead`, [
      { field: 'body.user', message: 'already a member' },
    ]);

  /** The workspace must keep at least one workspace-admin. */
  async function assertKeepsAnAdmin(
    workspaceId: string,
    row: MemberRow,
    newRole: string | null,
  ): Promise<void> {
    if (row.role !== 'workspace-admin' || newRole === 'workspace-admin') return;
    if ((await members.countWorkspaceAdmins(workspaceId)) <= 1) {
      throw new ConflictError(
        `"${row.user.username}" is the last workspace-admin; make someone else admin first`,
      );
    }
  }

  return {
    workspace: {
      async list(actor: Actor, workspaceSlug: string) {
        const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
        return { items: (await members.listWorkspace(workspace.id)).map(toMember) };
      },
      async add(actor: Actor, workspaceSlug: string, body: { user: string; role: string }) {
        const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
        const user = await userOrThrow(body.user);
        await assertRole(workspace.id, 'workspace', body.role);
        try {
          const created = await members.createWorkspace({
            workspaceId: workspace.id,
            userId: user.id,
            role: body.role,
          });
          await changed(user.id);
          return toMember(created);
        } catch (error) {
          if (isUniqueViolation(error)) throw duplicate(body.user, `workspace "${workspaceSlug}"`);
          throw error;
        }
      },
      async update(actor: Actor, workspaceSlug: string, username: string, body: { role: string }) {
        const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
        const row = await memberOrThrow(username, `workspace "${workspaceSlug}"`, (userId) =>
          members.findWorkspace(workspace.id, userId),
        );
        await assertRole(workspace.id, 'workspace', body.role);
        await assertKeepsAnAdmin(workspace.id, row, body.role);
        noteChanges(row, { role: body.role }, ['role']);
        const updated = await members.updateWorkspace(row.id, body.role);
        await changed(row.userId);
        return toMember(updated);
      },
      async remove(actor: Actor, workspaceSlug: string, username: string) {
        const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.members.manage');
        const row = await memberOrThrow(username, `workspace "${workspaceSlug}"`, (userId) =>
          members.findWorkspace(workspace.id, userId),
        );
        await assertKeepsAnAdmin(workspace.id, row, null);
        await members.deleteWorkspace(row.id);
        await changed(row.userId);
        noteChanges(row, null, ['role']);
      },
    },

    project: {
      async list(actor: Actor, workspaceSlug: string, projectSlug: string) {
        const project = await projects.authorize(actor, workspaceSlug, projectSlug, 'project.read');
        return { items: (await members.listProject(project.id)).map(toMember) };
      },
      async add(
        actor: Actor,
        workspaceSlug: string,
        projectSlug: string,
        body: { user: string; role: string },
      ) {
        const project = await projects.authorize(actor, workspaceSlug, projectSlug, 'project.members.manage');
        const user = await userOrThrow(body.user);
        await assertRole(project.workspaceId, 'project', body.role);
        try {
          const created = await members.createProject({
            projectId: project.id,
            userId: user.id,
            role: body.role,
          });
          await changed(user.id);
          return toMember(created);
        } catch (error) {
          if (isUniqueViolation(error)) throw duplicate(body.user, `project "${projectSlug}"`);
          throw error;
        }
      },
      async update(
        actor: Actor,
        workspaceSlug: string,
        projectSlug: string,
        username: string,
        body: { role: string },
      ) {
        const project = await projects.authorize(actor, workspaceSlug, projectSlug, 'project.members.manage');
        const row = await memberOrThrow(username, `project "${projectSlug}"`, (userId) =>
          members.findProject(project.id, userId),
        );
        await assertRole(project.workspaceId, 'project', body.role);
        noteChanges(row, { role: body.role }, ['role']);
        const updated = await members.updateProject(row.id, body.role);
        await changed(row.userId);
        return toMember(updated);
      },
      async remove(actor: Actor, workspaceSlug: string, projectSlug: string, username: string) {
        const project = await projects.authorize(actor, workspaceSlug, projectSlug, 'project.members.manage');
        const row = await memberOrThrow(username, `project "${projectSlug}"`, (userId) =>
          members.findProject(project.id, userId),
        );
        await members.deleteProject(row.id);
        await changed(row.userId);
        noteChanges(row, null, ['role']);
      },
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;

import type {
  CreateWorkspaceBody,
  PageQuery,
  Permission,
  UpdateWorkspaceBody,
  Workspace,
  WorkspacePage,
} from '@slipway/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import type { WorkspaceRow, WorkspacesRepo } from './workspaces.repo.ts';

export function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    projectCount: row._count.projects,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createWorkspacesService(deps: { workspaces: WorkspacesRepo; access: AccessService }) {
  const { workspaces, access } = deps;

  async function findOrThrow(slug: string): Promise<WorkspaceRow> {
    const row = await workspaces.findBySlug(slug);
    if (!row) throw new NotFoundError(`workspace "${slug}" not found`);
    return row;
  }

  /** The workspace, checked for `permission`: 404 if the actor may not see it, 403 if not allowed. */
  async function authorize(actor: Actor, slug: string, permission: Permission): Promise<WorkspaceRow> {
    const row = await findOrThrow(slug);
    await access.requireWorkspace(actor, row, permission);
    return row;
  }

  return {
    authorize,

    async list(actor: Actor, query: PageQuery): Promise<WorkspacePage> {
      const rows = await workspaces.list({
        afterSlug: decodeCursor(query.cursor),
        take: query.limit + 1,
        onlyIds: await access.visibleWorkspaceIds(actor),
      });
      return toPage(rows, query.limit, (row) => row.slug, toWorkspace);
    },

    async get(actor: Actor, slug: string): Promise<Workspace> {
      return toWorkspace(await authorize(actor, slug, 'workspace.read'));
    },

    async create(actor: Actor, body: CreateWorkspaceBody): Promise<Workspace> {
      await access.requirePlatform(actor, 'platform.workspaces.create');
      try {
        const row = await workspaces.create({
          slug: body.slug,
          name: body.name,
          description: body.description ?? null,
          creatorId: actor.userId,
        });
        await access.membershipChanged(actor.userId);
        return toWorkspace(row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`workspace "${body.slug}" already exists`, [
            { field: 'body.slug', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async update(actor: Actor, slug: string, body: UpdateWorkspaceBody): Promise<Workspace> {
      const existing = await authorize(actor, slug, 'workspace.update');
      const updated = toWorkspace(await workspaces.update(existing.id, body));
      noteChanges(toWorkspace(existing), updated, ['name', 'description']);
      return updated;
    },

    async delete(actor: Actor, slug: string): Promise<void> {
      const existing = await authorize(actor, slug, 'workspace.delete');
      const refuse = (count: number) =>
        new ConflictError(
          `workspace "${slug}" still has ${count} project${count === 1 ? '' : 's'}; delete them first`,
        );
      if (existing._count.projects > 0) throw refuse(existing._count.projects);
      try {
        await workspaces.delete(existing.id);
      } catch (error) {
        // A project was created between the check and the delete.
        if (isForeignKeyViolation(error)) throw refuse(1);
        throw error;
      }
    },
  };
}

export type WorkspacesService = ReturnType<typeof createWorkspacesService>;

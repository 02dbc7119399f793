import type {
  CreateWorkspaceBody,
  PageQuery,
  UpdateWorkspaceBody,
  Workspace,
  WorkspacePage,
} from '@slipway/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
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

// Until roles arrive (access-control issue), every signed-in actor may use every workspace;
// the actor is already threaded through so that checks land here, not in the routes.
export function createWorkspacesService(deps: { workspaces: WorkspacesRepo }) {
  const { workspaces } = deps;

  async function findOrThrow(slug: string): Promise<WorkspaceRow> {
    const row = await workspaces.findBySlug(slug);
    if (!row) throw new NotFoundError(`workspace "${slug}" not found`);
    return row;
  }

  return {
    findOrThrow,

    async list(_actor: Actor, query: PageQuery): Promise<WorkspacePage> {
      const rows = await workspaces.list({ afterSlug: decodeCursor(query.cursor), take: query.limit + 1 });
      return toPage(rows, query.limit, (row) => row.slug, toWorkspace);
    },

    async get(_actor: Actor, slug: string): Promise<Workspace> {
      return toWorkspace(await findOrThrow(slug));
    },

    async create(_actor: Actor, body: CreateWorkspaceBody): Promise<Workspace> {
      try {
        const row = await workspaces.create({
          slug: body.slug,
          name: body.name,
          description: body.description ?? null,
        });
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

    async update(_actor: Actor, slug: string, body: UpdateWorkspaceBody): Promise<Workspace> {
      const existing = await findOrThrow(slug);
      return toWorkspace(await workspaces.update(existing.id, body));
    },

    async delete(_actor: Actor, slug: string): Promise<void> {
      const existing = await findOrThrow(slug);
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

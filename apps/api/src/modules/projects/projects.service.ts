import type {
  CreateProjectBody,
  PageQuery,
  Project,
  ProjectPage,
  UpdateProjectBody,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { ProjectRow, ProjectsRepo } from './projects.repo.ts';

function toProject(workspaceSlug: string, row: ProjectRow): Project {
  return {
    id: row.id,
    workspace: workspaceSlug,
    slug: row.slug,
    name: row.name,
    description: row.description,
    repoUrl: row.repoUrl,
    defaultBranch: row.defaultBranch,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createProjectsService(deps: { projects: ProjectsRepo; workspaces: WorkspacesService }) {
  const { projects, workspaces } = deps;

  async function findOrThrow(workspaceSlug: string, slug: string) {
    const workspace = await workspaces.findOrThrow(workspaceSlug);
    const row = await projects.findBySlug(workspace.id, slug);
    if (!row) throw new NotFoundError(`project "${slug}" not found in workspace "${workspaceSlug}"`);
    return row;
  }

  return {
    async list(_actor: Actor, workspaceSlug: string, query: PageQuery): Promise<ProjectPage> {
      const workspace = await workspaces.findOrThrow(workspaceSlug);
      const rows = await projects.list({
        workspaceId: workspace.id,
        afterSlug: decodeCursor(query.cursor),
        take: query.limit + 1,
      });
      return toPage(
        rows,
        query.limit,
        (row) => row.slug,
        (row) => toProject(workspaceSlug, row),
      );
    },

    async get(_actor: Actor, workspaceSlug: string, slug: string): Promise<Project> {
      return toProject(workspaceSlug, await findOrThrow(workspaceSlug, slug));
    },

    async create(_actor: Actor, workspaceSlug: string, body: CreateProjectBody): Promise<Project> {
      const workspace = await workspaces.findOrThrow(workspaceSlug);
      try {
        const row = await projects.create({
          workspaceId: workspace.id,
          slug: body.slug,
          name: body.name,
          description: body.description ?? null,
          repoUrl: body.repoUrl ?? null,
          defaultBranch: body.defaultBranch,
        });
        return toProject(workspaceSlug, row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`project "${body.slug}" already exists in workspace "${workspaceSlug}"`, [
            { field: 'body.slug', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async update(
      _actor: Actor,
      workspaceSlug: string,
      slug: string,
      body: UpdateProjectBody,
    ): Promise<Project> {
      const existing = await findOrThrow(workspaceSlug, slug);
      return toProject(workspaceSlug, await projects.update(existing.id, body));
    },

    async delete(_actor: Actor, workspaceSlug: string, slug: string): Promise<void> {
      const existing = await findOrThrow(workspaceSlug, slug);
      await projects.delete(existing.id);
    },
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;

import type { Database, Prisma, PrismaClient, Project } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

/** A `projects` row as PostgreSQL returns it. */
interface ProjectRecord {
  id: string;
  workspace_id: string;
  slug: string;
  name: string;
  description: string | null;
  repo_url: string | null;
  default_branch: string;
  git_credential: string | null;
  created_at: Date;
  updated_at: Date;
  release_counter: number;
}

export function createProjectsRepo(prisma: PrismaClient, sql: Database['sql']) {
  return {
    /**
     * One page of a workspace's projects named by the workspace's slug, limited to what
     * `readable` allows (see `AccessService.readableProjects`): one plain SQL statement, the
     * read every console page makes (see `Database.sql`).
     */
    async listInWorkspace(page: {
      workspaceSlug: string;
      afterSlug: string | undefined;
      take: number;
      readable: 'all' | { workspaceIds: string[]; projectIds: string[] };
    }): Promise<ProjectRow[]> {
      const { readable } = page;
      const rows = await sql<ProjectRecord>(
        `SELECT p.id, p.workspace_id, p.slug, p.name, p.description, p.repo_url, p.default_branch,
                p.git_credential, p.created_at, p.updated_at, p.release_counter
           FROM projects p JOIN workspaces w ON w.id = p.workspace_id
          WHERE w.slug = $1
            AND ($2::boolean OR p.workspace_id = ANY($3::uuid[]) OR p.id = ANY($4::uuid[]))
            AND ($5::text IS NULL OR p.slug > $5::text)
          ORDER BY p.slug
          LIMIT $6`,
        [
          page.workspaceSlug,
          readable === 'all',
          readable === 'all' ? [] : readable.workspaceIds,
          readable === 'all' ? [] : readable.projectIds,
          page.afterSlug ?? null,
          page.take,
        ],
      );
      return rows.map((row) => ({
        id: row.id,
        workspaceId: row.workspace_id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        repoUrl: row.repo_url,
        defaultBranch: row.default_branch,
        gitCredential: row.git_credential,
        createdAt: row.created_at,
        releaseCounter: row.release_counter,
        updatedAt: row.updated_at,
      }));
    },
    findBySlug(workspaceId: string, slug: string, db: Db = prisma) {
      return db.project.findUnique({ where: { workspaceId_slug: { workspaceId, slug } } });
    },
    /** Creates the project; `creatorId` (when set) becomes its project-admin. */
    create(
      data: {
        creatorId: string | null;
        workspaceId: string;
        slug: string;
        name: string;
        description: string | null;
        repoUrl: string | null;
        defaultBranch?: string | undefined;
        gitCredential: string | null;
      },
      db: Db = prisma,
    ) {
      const { creatorId, ...project } = data;
      return db.project.create({
        data: {
          ...project,
          ...(creatorId ? { members: { create: { userId: creatorId, role: 'project-admin' } } } : {}),
        },
      });
    },
    update(
      id: string,
      data: {
        name?: string;
        description?: string | null;
        repoUrl?: string | null;
        defaultBranch?: string;
        gitCredential?: string | null;
      },
      db: Db = prisma,
    ) {
      return db.project.update({ where: { id }, data });
    },
    delete(id: string, db: Db = prisma) {
      return db.project.delete({ where: { id } });
    },
  };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
export type ProjectRow = Project;

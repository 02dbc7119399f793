import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;

export function createProjectsRepo(prisma: PrismaClient) {
  return {
    /**
     * One page of a workspace's projects named by the workspace's slug, limited to what
     * `readable` allows (see `AccessService.readableProjects`), in one statement.
     */
    listInWorkspace(
      page: {
        workspaceSlug: string;
        afterSlug: string | undefined;
        take: number;
        readable: 'all' | { workspaceIds: string[]; projectIds: string[] };
      },
      db: Db = prisma,
    ) {
      const { readable } = page;
      return db.project.findMany({
        where: {
          workspace: { slug: page.workspaceSlug },
          ...(readable === 'all'
            ? {}
            : { OR: [{ workspaceId: { in: readable.workspaceIds } }, { id: { in: readable.projectIds } }] }),
          ...(page.afterSlug === undefined ? {} : { slug: { gt: page.afterSlug } }),
        },
        orderBy: { slug: 'asc' },
        take: page.take,
      });
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
export type ProjectRow = NonNullable<Awaited<ReturnType<ProjectsRepo['findBySlug']>>>;

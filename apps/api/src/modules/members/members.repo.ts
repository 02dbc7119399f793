import type { Prisma, PrismaClient } from '@slipway/db';

type Db = PrismaClient | Prisma.TransactionClient;
const withUser = { user: { select: { username: true, displayName: true } } } as const;

export function createMembersRepo(prisma: PrismaClient) {
  return {
    findUser(username: string, db: Db = prisma) {
      return db.user.findUnique({ where: { username }, select: { id: true, username: true } });
    },
    listWorkspace(workspaceId: string, db: Db = prisma) {
      return db.workspaceMember.findMany({
        where: { workspaceId },
        include: withUser,
        orderBy: { createdAt: 'asc' },
      });
    },
    findWorkspace(workspaceId: string, userId: string, db: Db = prisma) {
      return db.workspaceMember.findUnique({
        where: { workspaceId_userId: { workspaceId, userId } },
        include: withUser,
      });
    },
    createWorkspace(data: { workspaceId: string; userId: string; role: string }, db: Db = prisma) {
      return db.workspaceMember.create({ data, include: withUser });
    },
    updateWorkspace(id: string, role: string, db: Db = prisma) {
      return db.workspaceMember.update({ where: { id }, data: { role }, include: withUser });
    },
    deleteWorkspace(id: string, db: Db = prisma) {
      return db.workspaceMember.delete({ where: { id } });
    },
    countWorkspaceAdmins(workspaceId: string, db: Db = prisma) {
      return db.workspaceMember.count({ where: { workspaceId, role: 'workspace-admin' } });
    },
    listProject(projectId: string, db: Db = prisma) {
      return db.projectMember.findMany({
        where: { projectId },
        include: withUser,
        orderBy: { createdAt: 'asc' },
      });
    },
    findProject(projectId: string, userId: string, db: Db = prisma) {
      return db.projectMember.findUnique({
        where: { projectId_userId: { projectId, userId } },
        include: withUser,
      });
    },
    createProject(data: { projectId: string; userId: string; role: string }, db: Db = prisma) {
      return db.projectMember.create({ data, include: withUser });
    },
    updateProject(id: string, role: string, db: Db = prisma) {
      return db.projectMember.update({ where: { id }, data: { role }, include: withUser });
    },
    deleteProject(id: string, db: Db = prisma) {
      return db.projectMember.delete({ where: { id } });
    },
    /** Who holds a custom role in a workspace: its members and the members of its projects. */
    async holdersOfRole(workspaceId: string, role: string, db: Db = prisma) {
      const [inWorkspace, inProjects] = await Promise.all([
        db.workspaceMember.findMany({ where: { workspaceId, role }, include: withUser }),
        db.projectMember.findMany({
          where: { role, project: { workspaceId } },
          include: { ...withUser, project: { select: { slug: true } } },
        }),
      ]);
      return [
        ...inWorkspace.map((m) => m.user.username),
        ...inProjects.map((m) => `${m.user.username} (project ${m.project.slug})`),
      ];
    },
  };
}

export type MembersRepo = ReturnType<typeof createMembersRepo>;
/** What workspace and project memberships have in common. */
export interface MemberRow {
  id: string;
  userId: string;
  role: string;
  createdAt: Date;
  user: { username: string; displayName: string | null };
}

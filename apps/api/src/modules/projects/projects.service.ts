import type {
  CreateProjectBody,
  PageQuery,
  Permission,
  Project,
  ProjectPage,
  UpdateProjectBody,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import { isLocalRepository, remoteOf } from '../../lib/git-repository.ts';
import { type OutboundPolicy, refuseLocalAddress } from '../../lib/outbound-guard.ts';
import { SECRET_PARAMETER_MASK } from '../../lib/stored-parameters.ts';
import { projectSubject } from '../access/ability.ts';
import type { AccessService } from '../access/access.service.ts';
import type { ActiveRunsGuard } from '../runs/active-runs-guard.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { ProjectRow, ProjectsRepo } from './projects.repo.ts';

/**
 * Whether a repository URL carries a credential: any user-info of an http(s) URL
 * (`https://user:token@host/…`, `https://token@host/…`) or a password in any other URL
 * (`ssh://git:password@host/…`; the ssh user alone, `ssh://git@host/…`, is no secret) — what
 * every project reader (and the audit trail) would see. Found in #17; such secrets belong in
 * a git credential (`gitCredential`), stored encrypted.
 */
function hasCredentials(url: string): boolean {
  const parsed = URL.parse(url);
  if (!parsed) return false;
  if (/^https?:$/.test(parsed.protocol)) return parsed.username !== '' || parsed.password !== '';
  return parsed.password !== '';
}

/** The repository URL as responses show it: user-info (saved before it was refused) masked. */
function shownRepoUrl(url: string | null): string | null {
  if (url === null || !hasCredentials(url)) return url;
  const masked = new URL(url);
  if (/^https?:$/.test(masked.protocol)) {
    masked.username = SECRET_PARAMETER_MASK;
    masked.password = '';
  } else {
    // The ssh user (`git`) says how to connect; only the password is the secret.
    masked.password = SECRET_PARAMETER_MASK;
  }
  return masked.href;
}

function toProject(workspaceSlug: string, row: ProjectRow): Project {
  return {
    id: row.id,
    workspace: workspaceSlug,
    slug: row.slug,
    name: row.name,
    description: row.description,
    repoUrl: shownRepoUrl(row.repoUrl),
    defaultBranch: row.defaultBranch,
    gitCredential: row.gitCredential,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createProjectsService(deps: {
  projects: ProjectsRepo;
  workspaces: WorkspacesService;
  access: AccessService;
  /** Whether repoUrl may name the server's own disk (file://, absolute paths): development and tests. */
  allowLocalRepos?: boolean;
  /** Where repositories may be on the network (SLIPWAY_ALLOW_LOCAL_NETWORK; default: not local). */
  outbound?: OutboundPolicy;
  /** Whether the workspace has a credential of this name (the credentials module's `exists`). */
  credentialExists: (workspaceId: string, name: string) => Promise<boolean>;
  /** Refuses deleting a project whose pipelines have active runs (or cancels them first). */
  guard: ActiveRunsGuard;
  /** Told after a project's delete commits: removes what it had outside the database (caches). */
  onDeleted?: (projectId: string) => Promise<void>;
}) {
  const { projects, workspaces, access } = deps;

  /** 400 naming body.repoUrl: a local repository (unless allowed), or one in the local network. */
  async function checkRepoUrl(repoUrl: string | null | undefined): Promise<void> {
    if (repoUrl && isLocalRepository(repoUrl) && !deps.allowLocalRepos) {
      throw new BadRequestError('local repositories are not allowed on this server', [
        {
          field: 'body.repoUrl',
          message:
            'file:// and local paths are allowed only when the server sets SLIPWAY_ALLOW_LOCAL_REPOS=true',
        },
      ]);
    }
    if (!repoUrl) return;
    if (hasCredentials(repoUrl)) {
      throw new BadRequestError('the repository URL carries credentials', [
        {
          field: 'body.repoUrl',
          message:
            'would be shown to every project reader: put the user and token in a git credential (gitCredential)',
        },
      ]);
    }
    const policy = deps.outbound ?? { allowLocalNetwork: false };
    await refuseLocalAddress(remoteOf(repoUrl)?.host, policy, 'body.repoUrl');
  }

  // The name is resolved again when a run starts; checking here catches typos early.
  async function checkGitCredential(workspaceId: string, name: string | null | undefined): Promise<void> {
    if (name && !(await deps.credentialExists(workspaceId, name))) {
      throw new BadRequestError(`no credential "${name}" in this workspace`, [
        { field: 'body.gitCredential', message: `no credential "${name}" in this workspace` },
      ]);
    }
  }

  /** The project, checked for `permission`: 404 if the actor may not see it, 403 if not allowed. */
  async function authorize(actor: Actor, workspaceSlug: string, slug: string, permission: Permission) {
    const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
    const row = await projects.findBySlug(workspace.id, slug);
    const notFound = new NotFoundError(`project "${slug}" not found in workspace "${workspaceSlug}"`);
    if (!row) throw notFound;
    await access.requireProject(actor, row, permission).catch((error: unknown) => {
      throw error instanceof NotFoundError ? notFound : error;
    });
    return row;
  }

  return {
    authorize,

    /**
     * One statement when the page has rows (the permissions are cached); an empty page looks
     * the workspace up to tell an empty workspace from one the actor may not see (404).
     */
    async list(actor: Actor, workspaceSlug: string, query: PageQuery): Promise<ProjectPage> {
      const rows = await projects.listInWorkspace({
        workspaceSlug,
        afterSlug: decodeCursor(query.cursor),
        take: query.limit + 1,
        readable: await access.readableProjects(actor),
      });
      const workspaceId = rows[0]?.workspaceId;
      if (workspaceId === undefined) await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      else if (!(await access.canReadWorkspace(actor, workspaceId))) {
        throw new NotFoundError(`workspace "${workspaceSlug}" not found`);
      }
      return toPage(
        rows,
        query.limit,
        (row) => row.slug,
        (row) => toProject(workspaceSlug, row),
      );
    },

    async get(actor: Actor, workspaceSlug: string, slug: string): Promise<Project> {
      return toProject(workspaceSlug, await authorize(actor, workspaceSlug, slug, 'project.read'));
    },

    async create(actor: Actor, workspaceSlug: string, body: CreateProjectBody): Promise<Project> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'project.create');
      await checkRepoUrl(body.repoUrl);
      await checkGitCredential(workspace.id, body.gitCredential);
      if (body.starterPipeline === 'auto' && !body.repoUrl) {
        throw new BadRequestError('a starter pipeline needs the repository to detect its type', [
          { field: 'body.starterPipeline', message: 'auto needs repoUrl; or name the type, e.g. node' },
        ]);
      }
      // Whoever may create but not administer every project becomes this one's project-admin.
      const coveredByWorkspaceRole = (await access.visibleProjectIds(actor, workspace.id)) === 'all';
      const ability = await access.abilityOf(actor);
      const administersAll =
        coveredByWorkspaceRole &&
        ability.can(
          'project.members.manage',
          projectSubject(workspace.id, '00000000-0000-0000-0000-000000000000'),
        );
      try {
        const row = await projects.create({
          creatorId: administersAll ? null : actor.userId,
          workspaceId: workspace.id,
          slug: body.slug,
          name: body.name,
          description: body.description ?? null,
          repoUrl: body.repoUrl ?? null,
          defaultBranch: body.defaultBranch,
          gitCredential: body.gitCredential ?? null,
        });
        if (!administersAll) await access.membershipChanged(actor.userId);
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
      actor: Actor,
      workspaceSlug: string,
      slug: string,
      body: UpdateProjectBody,
    ): Promise<Project> {
      const existing = await authorize(actor, workspaceSlug, slug, 'project.update');
      // The masked URL a response showed, sent back as it was, keeps the stored one.
      const changes =
        body.repoUrl && body.repoUrl === shownRepoUrl(existing.repoUrl)
          ? { ...body, repoUrl: undefined }
          : body;
      // Only a new repository is checked: a project keeps the one it has (the demo's, which
      // the server created on its own disk, or one set while local repositories were allowed).
      if (changes.repoUrl !== undefined && changes.repoUrl !== existing.repoUrl)
        await checkRepoUrl(changes.repoUrl);
      await checkGitCredential(existing.workspaceId, body.gitCredential);
      const updated = toProject(workspaceSlug, await projects.update(existing.id, changes));
      noteChanges(toProject(workspaceSlug, existing), updated, [
        'name',
        'description',
        'repoUrl',
        'defaultBranch',
        'gitCredential',
      ]);
      return updated;
    },

    /**
     * Deletes the project with its pipelines and their runs. Refused (409) while any of its
     * runs is active, unless `cancelRuns`: they are cancelled and stopped first.
     */
    async delete(
      actor: Actor,
      workspaceSlug: string,
      slug: string,
      options: { cancelRuns?: boolean; requestId: string },
    ): Promise<void> {
      const existing = await authorize(actor, workspaceSlug, slug, 'project.delete');
      await deps.guard.deleteUnlessActive({
        actor,
        requestId: options.requestId,
        target: { kind: 'project', name: slug },
        scope: { projectId: existing.id },
        cancelRuns: options.cancelRuns ?? false,
        remove: async (tx) => {
          await projects.delete(existing.id, tx);
        },
      });
      await deps.onDeleted?.(existing.id);
    },
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;

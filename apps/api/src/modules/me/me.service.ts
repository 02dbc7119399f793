import type { CreateApiTokenBody, MyPermissions } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import { newToken, sha256 } from '../auth/auth.service.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { TokenRow, TokensRepo } from './tokens.repo.ts';

/** Tokens start with a fixed prefix so secret scanners can recognise them. */
export const TOKEN_PREFIX = 'slw_';

function toApiToken(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope === 'write' ? ('write' as const) : ('read' as const),
    workspace: row.workspace?.slug ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function createMeService(deps: {
  tokens: TokensRepo;
  access: AccessService;
  workspaces: WorkspacesService;
  projects: ProjectsService;
}) {
  const { tokens, access, workspaces, projects } = deps;

  /**
   * The workspace a new token is limited to. One the actor cannot see answers like one that does
   * not exist (no existence leak), and both name the body field: the path is fine, the reference is not.
   */
  async function tokenWorkspace(actor: Actor, slug: string) {
    try {
      return await workspaces.authorize(actor, slug, 'workspace.read');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new BadRequestError(`no workspace "${slug}"`, [
        { field: 'body.workspace', message: 'unknown workspace' },
      ]);
    }
  }

  return {
    async listTokens(actor: Actor) {
      return { items: (await tokens.list(actor.userId)).map(toApiToken) };
    },

    async createToken(actor: Actor, body: CreateApiTokenBody) {
      // A token can never do more than its owner: it is limited to a workspace they can see.
      const workspace = body.workspace ? await tokenWorkspace(actor, body.workspace) : undefined;
      if (actor.tokenWorkspaceId && workspace?.id !== actor.tokenWorkspaceId) {
        throw new BadRequestError('a workspace-limited token can only create tokens for the same workspace', [
          { field: 'body.workspace', message: 'must be the token’s own workspace' },
        ]);
      }
      const token = `${TOKEN_PREFIX}${newToken(32)}`;
      const row = await tokens.create({
        userId: actor.userId,
        name: body.name,
        scope: body.scope,
        tokenHash: sha256(token),
        workspaceId: workspace?.id ?? null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      });
      return { ...toApiToken(row), token };
    },

    async revokeToken(actor: Actor, id: string): Promise<void> {
      const { count } = await tokens.revoke(actor.userId, id, new Date());
      if (count === 0) throw new NotFoundError('token not found (or already revoked)');
    },

    async permissions(actor: Actor, query: { workspace?: string; project?: string }): Promise<MyPermissions> {
      if (query.project && !query.workspace) {
        throw new BadRequestError('project needs workspace', [
          { field: 'query.workspace', message: 'is required with project' },
        ]);
      }
      const workspace = query.workspace
        ? await workspaces.authorize(actor, query.workspace, 'workspace.read')
        : undefined;
      const project =
        query.workspace && query.project
          ? await projects.authorize(actor, query.workspace, query.project, 'project.read')
          : undefined;
      const granted = await access.permissionsFor(actor, {
        ...(workspace ? { workspace } : {}),
        ...(project ? { project } : {}),
      });
      return { platformAdmin: actor.platformAdmin && !actor.tokenWorkspaceId, ...granted };
    },
  };
}

export type MeService = ReturnType<typeof createMeService>;

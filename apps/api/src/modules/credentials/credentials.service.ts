import {
  type CreateCredentialBody,
  type Credential,
  type CredentialType,
  CredentialTypeSchema,
  missingCredentialFields,
  type UpdateCredentialBody,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { CredentialRow, CredentialsRepo } from './credentials.repo.ts';

/** A credential with its value decrypted: only for handing to a run, never for a response. */
export interface ResolvedCredential {
  name: string;
  type: CredentialType;
  username: string | null;
  server: string | null;
  secret: string;
}

function typeOf(row: CredentialRow): CredentialType {
  return CredentialTypeSchema.parse(row.type);
}

// Built field by field so that no future column (least of all the secret) leaks by accident.
function toCredential(row: CredentialRow): Credential {
  return {
    name: row.name,
    type: typeOf(row),
    description: row.description,
    username: row.username,
    server: row.server,
    createdBy: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function requireFieldsOf(type: CredentialType, values: { username: string | null; server: string | null }) {
  const missing = missingCredentialFields(type, values);
  if (missing.length > 0) {
    throw new BadRequestError(
      missing.map((problem) => `${problem.field} ${problem.message}`).join('; '),
      missing.map((problem) => ({ field: `body.${problem.field}`, message: problem.message })),
    );
  }
}

export function createCredentialsService(deps: {
  credentials: CredentialsRepo;
  workspaces: WorkspacesService;
  secrets: SecretBox;
}) {
  const { credentials, workspaces, secrets } = deps;

  async function findOrThrow(workspaceId: string, workspaceSlug: string, name: string) {
    const row = await credentials.findByName(workspaceId, name);
    if (!row) throw new NotFoundError(`credential "${name}" not found in workspace "${workspaceSlug}"`);
    return row;
  }

  return {
    async list(actor: Actor, workspaceSlug: string): Promise<{ items: Credential[] }> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      const rows = await credentials.listByWorkspace(workspace.id);
      return { items: rows.map(toCredential) };
    },

    async get(actor: Actor, workspaceSlug: string, name: string): Promise<Credential> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      return toCredential(await findOrThrow(workspace.id, workspaceSlug, name));
    },

    async create(actor: Actor, workspaceSlug: string, body: CreateCredentialBody): Promise<Credential> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.credentials.manage');
      const username = body.username ?? null;
      const server = body.server ?? null;
      requireFieldsOf(body.type, { username, server });
      try {
        const row = await credentials.create({
          workspaceId: workspace.id,
          name: body.name,
          type: body.type,
          description: body.description ?? null,
          username,
          server,
          secretEncrypted: secrets.encrypt(body.secret),
          createdByName: actor.username,
        });
        return toCredential(row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            `credential "${body.name}" already exists in workspace "${workspaceSlug}"`,
            [{ field: 'body.name', message: 'already taken' }],
          );
        }
        throw error;
      }
    },

    async update(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      body: UpdateCredentialBody,
    ): Promise<Credential> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.credentials.manage');
      const existing = await findOrThrow(workspace.id, workspaceSlug, name);
      const username = body.username === undefined ? existing.username : body.username;
      const server = body.server === undefined ? existing.server : body.server;
      requireFieldsOf(typeOf(existing), { username, server });
      const row = await credentials.update(existing.id, {
        ...(body.description === undefined ? {} : { description: body.description }),
        username,
        server,
        ...(body.secret === undefined ? {} : { secretEncrypted: secrets.encrypt(body.secret) }),
      });
      return toCredential(row);
    },

    async delete(actor: Actor, workspaceSlug: string, name: string): Promise<void> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.credentials.manage');
      const existing = await findOrThrow(workspace.id, workspaceSlug, name);
      const users = await credentials.projectsUsing(workspace.id, name);
      if (users.length > 0) {
        const list = users.map((slug) => `"${slug}"`).join(', ');
        throw new ConflictError(
          `credential "${name}" is the git credential of project${users.length > 1 ? 's' : ''} ${list}; change ${users.length > 1 ? 'them' : 'it'} first`,
        );
      }
      await credentials.delete(existing.id);
    },

    /** Whether the workspace has a credential of this name (any type). */
    exists(workspaceId: string, name: string): Promise<boolean> {
      return credentials.exists(workspaceId, name);
    },

    /**
     * The named credentials of the workspace with their values decrypted, keyed by name;
     * names that do not exist are absent from the map. For the run engine only: nothing
     * here checks permissions, and the values must go nowhere but the job.
     */
    async resolveForRun(workspaceId: string, names: string[]): Promise<Map<string, ResolvedCredential>> {
      if (names.length === 0) return new Map();
      const rows = await credentials.findByNames(workspaceId, names);
      return new Map(
        rows.map((row) => [
          row.name,
          {
            name: row.name,
            type: typeOf(row),
            username: row.username,
            server: row.server,
            secret: secrets.decrypt(row.secretEncrypted),
          },
        ]),
      );
    },
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;

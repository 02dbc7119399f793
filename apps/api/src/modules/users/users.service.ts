import type { CreateUserBody, PageQuery, UpdateUserBody, User } from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import { assertPasswordAllowed, newToken, sha256 } from '../auth/auth.service.ts';
import type { AnnounceAuthChange } from '../auth/auth-cache.ts';
import { hashPassword } from '../auth/password.ts';
import type { UserRow, UsersRepo } from './users.repo.ts';

const INVITE_VALIDITY_MS = 7 * 24 * 3_600_000;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    platformAdmin: row.platformAdmin,
    disabled: row.disabled,
    invitePending: row.inviteTokenHash !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createUsersService(deps: {
  users: UsersRepo;
  access: AccessService;
  /** A user's account change (disabled, deleted, admin flag, password) is announced to the caches. */
  authChanged?: AnnounceAuthChange | undefined;
}) {
  const { users, access } = deps;
  const requireAdmin = (actor: Actor) => access.requirePlatform(actor, 'platform.users.manage');

  async function findOrThrow(username: string): Promise<UserRow> {
    const row = await users.findByUsername(username);
    if (!row) throw new NotFoundError(`user "${username}" not found`);
    return row;
  }

  /** The platform must keep an enabled platform admin, and every workspace an admin. */
  async function assertNotLastAdmin(row: UserRow, change: string): Promise<void> {
    if (row.platformAdmin && !row.disabled && (await users.countActivePlatformAdmins()) <= 1) {
      throw new ConflictError(`cannot ${change} "${row.username}": they are the last platform admin`);
    }
  }

  return {
    async list(actor: Actor, query: PageQuery) {
      await requireAdmin(actor);
      const rows = await users.list({ afterUsername: decodeCursor(query.cursor), take: query.limit + 1 });
      return toPage(rows, query.limit, (row) => row.username, toUser);
    },

    async get(actor: Actor, username: string): Promise<User> {
      await requireAdmin(actor);
      return toUser(await findOrThrow(username));
    },

    async create(actor: Actor, body: CreateUserBody): Promise<{ user: User; invitePath: string | null }> {
      await requireAdmin(actor);
      if (body.password) assertPasswordAllowed(body.password, body.username, 'body.password');
      const invite = body.password ? undefined : newToken(24);
      try {
        const row = await users.create({
          username: body.username,
          displayName: body.displayName ?? null,
          email: body.email ?? null,
          platformAdmin: body.platformAdmin ?? false,
          passwordHash: body.password ? await hashPassword(body.password) : null,
          inviteTokenHash: invite ? sha256(invite) : null,
          inviteExpiresAt: invite ? new Date(Date.now() + INVITE_VALIDITY_MS) : null,
        });
        return { user: toUser(row), invitePath: invite ? `/invite?token=${invite}` : null };
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`user "${body.username}" already exists`, [
            { field: 'body.username', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async update(actor: Actor, username: string, body: UpdateUserBody): Promise<User> {
      await requireAdmin(actor);
      const row = await findOrThrow(username);
      if (body.disabled === true) await assertNotLastAdmin(row, 'disable');
      if (body.platformAdmin === false) await assertNotLastAdmin(row, 'demote');
      if (body.password) assertPasswordAllowed(body.password, row.username, 'body.password');
      const updated = await users.update(row.id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.platformAdmin !== undefined ? { platformAdmin: body.platformAdmin } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.password
          ? { passwordHash: await hashPassword(body.password), inviteTokenHash: null, inviteExpiresAt: null }
          : {}),
      });
      // Disabling or a new password ends every session at once.
      if (body.disabled === true || body.password) await users.deleteSessions(row.id);
      await deps.authChanged?.({ user: row.id });
      noteChanges(toUser(row), toUser(updated), ['displayName', 'email', 'platformAdmin', 'disabled']);
      return toUser(updated);
    },

    async delete(actor: Actor, username: string): Promise<void> {
      await requireAdmin(actor);
      const row = await findOrThrow(username);
      if (row.id === actor.userId) throw new ConflictError('you cannot delete yourself');
      await assertNotLastAdmin(row, 'delete');
      const orphaned = await users.workspacesOnlyAdministeredBy(row.id);
      if (orphaned.length > 0) {
        throw new ConflictError(
          `"${username}" is the last workspace-admin of ${orphaned.join(', ')}; give the role to someone else first`,
        );
      }
      await users.delete(row.id);
      await deps.authChanged?.({ user: row.id });
    },

    /** Public: an invited user sets their password with the link's token. */
    async acceptInvite(body: { token: string; password: string }): Promise<void> {
      const row = await users.findByInviteHash(sha256(body.token));
      if (!row?.inviteExpiresAt || row.inviteExpiresAt <= new Date()) {
        throw new BadRequestError('this invite link is invalid or has expired; ask an admin for a new one', [
          { field: 'body.token', message: 'invalid or expired' },
        ]);
      }
      assertPasswordAllowed(body.password, row.username, 'body.password');
      await users.update(row.id, {
        passwordHash: await hashPassword(body.password),
        inviteTokenHash: null,
        inviteExpiresAt: null,
      });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

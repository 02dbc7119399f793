import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type CurrentUser, type LoginBody, PASSWORD_RULE, type SessionInfo } from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../../lib/errors.ts';
import type { AuthRepo } from './auth.repo.ts';
import type { AuthCache, AuthChange } from './auth-cache.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';

export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
}

/** Refreshing `lastSeenAt` on every request would turn each read into a write. */
const TOUCH_INTERVAL_MS = 60_000;
const INVALID_CREDENTIALS = 'invalid username or password';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function newToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function toCurrentUser(user: {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  platformAdmin: boolean;
}): CurrentUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    platformAdmin: user.platformAdmin,
  };
}

export interface ResolvedToken {
  tokenId: string;
  scope: 'read' | 'write';
  actor: Actor;
  info: SessionInfo;
}

/** Rules a schema cannot see: the password must not be the username. */
export function assertPasswordAllowed(password: string, username: string, field: string): void {
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new BadRequestError(`password must have ${PASSWORD_RULE}`, [
      { field, message: 'contains the username' },
    ]);
  }
}

export interface ResolvedSession {
  sessionId: string;
  actor: Actor;
  info: SessionInfo;
}

/** What a request needs of a session and its user (cached: no password hash). */
interface SessionEntry {
  sessionId: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
  /** When the session was last seen, as far as this replica knows (it refreshes it every minute). */
  lastSeenAt: Date;
  disabled: boolean;
  user: CurrentUser;
}

export function createAuthService(deps: {
  repo: AuthRepo;
  policy: SessionPolicy;
  throttle: LoginThrottle;
  /** Sessions are looked up here first; every sign-out and password change is announced to it. */
  cache?: AuthCache | undefined;
  now?: () => Date;
}) {
  const { repo, policy, throttle, cache } = deps;
  const now = deps.now ?? (() => new Date());

  async function loadSession(tokenHash: string): Promise<SessionEntry | null> {
    const session = await repo.findSessionWithUser(tokenHash);
    if (!session) return null;
    return {
      sessionId: session.id,
      userId: session.userId,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      lastSeenAt: session.lastSeenAt,
      disabled: session.user.disabled,
      user: toCurrentUser(session.user),
    };
  }

  function findSession(tokenHash: string): Promise<SessionEntry | null> {
    if (!cache) return loadSession(tokenHash);
    return cache.sessions.get(tokenHash, () => loadSession(tokenHash)) as Promise<SessionEntry | null>;
  }

  /** Opens a server-side session; the returned token goes into the cookie only. */
  async function openSession(
    user: Parameters<typeof toCurrentUser>[0] & { id: string },
    client: { ipAddress: string; userAgent: string | undefined },
  ): Promise<{ token: string; info: SessionInfo }> {
    const token = newToken(32);
    const csrfToken = newToken(24);
    const expiresAt = new Date(now().getTime() + policy.absoluteTimeoutMs);
    await repo.createSession({
      tokenHash: sha256(token),
      csrfToken,
      userId: user.id,
      expiresAt,
      ipAddress: client.ipAddress.slice(0, 64),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    return {
      token,
      info: { user: toCurrentUser(user), csrfToken, expiresAt: expiresAt.toISOString(), via: 'session' },
    };
  }

  return {
    openSession,

    /** Checks credentials and opens a session; the returned token goes into the cookie only. */
    async login(
      credentials: LoginBody,
      client: { ipAddress: string; userAgent: string | undefined },
    ): Promise<{ token: string; info: SessionInfo }> {
      const keys = [`user:${credentials.username.toLowerCase()}`, `ip:${client.ipAddress}`];
      const wait = throttle.retryAfterSeconds(keys);
      if (wait > 0) throw new TooManyRequestsError(`too many failed sign-ins; try again in ${wait} s`, wait);
      const user = await repo.findUserByUsername(credentials.username);
      const valid = user?.passwordHash
        ? await verifyPassword(user.passwordHash, credentials.password)
        : await burnPasswordCheck(credentials.password);
      if (!user || !valid || user.disabled) {
        throttle.recordFailure(keys);
        throw new UnauthorizedError(INVALID_CREDENTIALS);
      }
      throttle.reset(keys);

      return openSession(user, client);
    },

    /** The session behind a cookie token, or null when it is unknown, expired, idle or its user disabled. */
    async resolveSession(token: string, ipAddress: string): Promise<ResolvedSession | null> {
      const session = await findSession(sha256(token));
      if (!session) return null;
      const at = now();
      const idleDeadline = session.lastSeenAt.getTime() + policy.idleTimeoutMs;
      if (session.expiresAt <= at || idleDeadline <= at.getTime() || session.disabled) {
        await repo.deleteSession(session.sessionId);
        await cache?.changed({ session: session.sessionId });
        return null;
      }
      if (at.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
        await repo.touchSession(session.sessionId, at);
        session.lastSeenAt = at;
      }
      return {
        sessionId: session.sessionId,
        actor: {
          userId: session.user.id,
          username: session.user.username,
          platformAdmin: session.user.platformAdmin,
          via: 'session',
          ipAddress,
        },
        info: {
          user: session.user,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
          via: 'session',
        },
      };
    },

    /** An `Authorization: Bearer` API token, or null when unknown, revoked, expired or its user disabled. */
    async resolveApiToken(token: string, ipAddress: string): Promise<ResolvedToken | null> {
      const row = await repo.findTokenWithUser(sha256(token));
      const at = now();
      if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= at) || row.user.disabled) return null;
      if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
        await repo.touchToken(row.id, at);
      }
      return {
        tokenId: row.id,
        scope: row.scope === 'write' ? 'write' : 'read',
        actor: {
          userId: row.user.id,
          username: row.user.username,
          platformAdmin: row.user.platformAdmin,
          via: 'token',
          tokenWorkspaceId: row.workspaceId ?? undefined,
          ipAddress,
        },
        info: {
          user: toCurrentUser(row.user),
          csrfToken: '',
          expiresAt: row.expiresAt?.toISOString() ?? null,
          via: 'token',
        },
      };
    },

    async listSessions(actor: Actor, currentSessionId: string | undefined) {
      const sessions = await repo.listSessions(actor.userId);
      return {
        items: sessions.map((session) => ({
          id: session.id,
          current: session.id === currentSessionId,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt.toISOString(),
          expiresAt: session.expiresAt.toISOString(),
          ipAddress: session.ipAddress,
          userAgent: session.userAgent,
        })),
      };
    },

    async revokeSession(actor: Actor, sessionId: string): Promise<void> {
      const { count } = await repo.deleteSessionOfUser(actor.userId, sessionId);
      if (count === 0) throw new NotFoundError('session not found');
      await cache?.changed({ session: sessionId });
    },

    /** Checks the current password, sets the new one and ends the user's other sessions. */
    async changePassword(
      actor: Actor,
      body: { currentPassword: string; newPassword: string },
      currentSessionId: string | undefined,
    ): Promise<void> {
      const user = await repo.findUserById(actor.userId);
      if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, body.currentPassword))) {
        throw new BadRequestError('the current password is wrong', [
          { field: 'body.currentPassword', message: 'wrong password' },
        ]);
      }
      assertPasswordAllowed(body.newPassword, user.username, 'body.newPassword');
      await repo.setPassword(user.id, await hashPassword(body.newPassword));
      await repo.deleteSessionsOfUser(user.id, currentSessionId);
      await cache?.changed({ user: user.id });
    },

    csrfTokenMatches(expected: string, presented: string | undefined): boolean {
      if (!presented) return false;
      const a = Buffer.from(expected);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },

    async logout(sessionId: string): Promise<void> {
      await repo.deleteSession(sessionId);
      await cache?.changed({ session: sessionId });
    },

    /** Announces a change to sessions or permissions made elsewhere (users, members, roles). */
    changed(change: AuthChange): Promise<void> {
      return cache?.changed(change) ?? Promise.resolve();
    },

    async purgeExpiredSessions(): Promise<number> {
      const at = now();
      const result = await repo.deleteExpiredSessions(at, new Date(at.getTime() - policy.idleTimeoutMs));
      return result.count;
    },

    /**
     * On an empty database, creates the `admin` user. Returns the generated password when
     * none was configured, so the caller can show it once.
     */
    async ensureBootstrapAdmin(
      configuredPassword: string | undefined,
    ): Promise<{ created: boolean; generatedPassword?: string }> {
      if ((await repo.countUsers()) > 0) return { created: false };
      const password = configuredPassword ?? newToken(18);
      try {
        await repo.createUser({
          username: 'admin',
          passwordHash: await hashPassword(password),
          platformAdmin: true,
          displayName: 'Administrator',
        });
      } catch (error) {
        // Another replica created it at the same moment.
        if (isUniqueViolation(error)) return { created: false };
        throw error;
      }
      return configuredPassword ? { created: true } : { created: true, generatedPassword: password };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

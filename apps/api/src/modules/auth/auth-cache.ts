import type { ChannelHandlers, NotificationChannel } from '@slipway/db';
import { LRUCache } from 'lru-cache';

/**
 * What changed about who may do what; every replica drops what it derived from it.
 * - `session`: one session ended (sign-out, revoked).
 * - `user`: a user's sessions, account (disabled, deleted, platform admin, password) and roles.
 * - `grantsOf`: a user's memberships (workspace or project role given, changed, taken).
 * - `allGrants`: something every user's permissions may depend on (a custom role's
 *   permissions, a workspace or project deleted with its memberships).
 */
export type AuthChange = { session: string } | { user: string } | { grantsOf: string } | { allGrants: true };

/** Everything cached belongs to one user (and maybe one session). */
interface Owned {
  userId: string;
  sessionId?: string;
}

/**
 * An LRU of values loaded from the database that are dropped on change: a load that started
 * before a change is handed to its caller but not stored (it may have read the old rows),
 * and concurrent loads of one key share one query.
 */
export interface InvalidatedCache<V extends Owned> {
  /** The cached value, or `load()`'s (stored unless a change came meanwhile; null is not stored). */
  get(key: string, load: () => Promise<V | null>): Promise<V | null>;
}

/** Entries live this long at most (a safety net: changes invalidate them at once). */
export const AUTH_CACHE_TTL_MS = 5_000;
/** Most entries per cache (sessions; users' permissions). */
const AUTH_CACHE_MAX_ENTRIES = 10_000;
/** The PostgreSQL NOTIFY channel replicas tell each other about changes on. */
export const AUTH_CHANGES_CHANNEL = 'slipway_auth_changes';

function createInvalidatedCache<V extends Owned>(options: { ttlMs: number; isActive: () => boolean }) {
  const values = new LRUCache<string, V>({ max: AUTH_CACHE_MAX_ENTRIES, ttl: options.ttlMs });
  const loading = new Map<string, Promise<V | null>>();
  let generation = 0;
  return {
    async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
      if (!options.isActive()) return load();
      const hit = values.get(key);
      if (hit) return hit;
      const pending = loading.get(key);
      if (pending) return pending;
      const startedAt = generation;
      const promise = load().then(
        (value) => {
          if (loading.get(key) === promise) loading.delete(key);
          if (value && startedAt === generation && options.isActive()) values.set(key, value);
          return value;
        },
        (error: unknown) => {
          if (loading.get(key) === promise) loading.delete(key);
          throw error;
        },
      );
      loading.set(key, promise);
      return promise;
    },
    /** Drops the entries `matches` picks (every entry without it) and any load under way. */
    drop(matches?: (value: V) => boolean): void {
      generation++;
      loading.clear();
      if (!matches) {
        values.clear();
        return;
      }
      const picked = [...values.entries()].filter(([, value]) => matches(value)).map(([key]) => key);
      for (const key of picked) values.delete(key);
    },
  } satisfies InvalidatedCache<V> & Record<string, unknown>;
}

function isAuthChange(value: unknown): value is AuthChange {
  if (!value || typeof value !== 'object') return false;
  const change = value as Record<string, unknown>;
  return (
    typeof change.session === 'string' ||
    typeof change.user === 'string' ||
    typeof change.grantsOf === 'string' ||
    change.allGrants === true
  );
}

/**
 * The short-lived caches of the request path: sessions by token hash, and each user's
 * permissions. A change is applied here at once and sent to every other replica of the
 * database over PostgreSQL LISTEN/NOTIFY (`AUTH_CHANGES_CHANNEL`); while this replica is not
 * listening (before `connect`, or its listening connection is lost) nothing is cached.
 */
export function createAuthCache(options: { ttlMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? AUTH_CACHE_TTL_MS;
  let channel: NotificationChannel | undefined;
  const isActive = () => channel?.isListening() ?? false;
  const sessions = createInvalidatedCache<Owned & { sessionId: string }>({ ttlMs, isActive });
  const grants = createInvalidatedCache<Owned>({ ttlMs, isActive });

  function apply(change: AuthChange): void {
    if ('session' in change) sessions.drop((value) => value.sessionId === change.session);
    else if ('user' in change) {
      sessions.drop((value) => value.userId === change.user);
      grants.drop((value) => value.userId === change.user);
    } else if ('grantsOf' in change) grants.drop((value) => value.userId === change.grantsOf);
    else grants.drop();
  }

  function reset(): void {
    sessions.drop();
    grants.drop();
  }

  const handlers: ChannelHandlers = {
    onMessage(payload) {
      let change: unknown;
      try {
        change = JSON.parse(payload);
      } catch {
        change = undefined;
      }
      // A message this version cannot read may be about anything: drop everything.
      if (isAuthChange(change)) apply(change);
      else reset();
    },
    onReset: reset,
  };

  return {
    /** Sessions by the SHA-256 of their token (see `AuthService.resolveSession`). */
    sessions: sessions as InvalidatedCache<Owned & { sessionId: string }>,
    /** A user's permissions, keyed by whatever else they depend on (see `AccessService`). */
    grants: grants as InvalidatedCache<Owned>,
    /**
     * Applies `change` here at once and tells the other replicas (resolves once PostgreSQL
     * has queued the message for them). Call it after the change is committed. When the
     * message cannot be sent, this replica stops caching until it listens again, and the
     * others drop their entries within `ttlMs`.
     */
    async changed(change: AuthChange): Promise<void> {
      apply(change);
      if (!channel) return;
      await channel.publish(JSON.stringify(change)).catch(() => reset());
    },
    /** Starts listening (and so caching) on the channel `open` gives. */
    async connect(
      open: (name: string, handlers: ChannelHandlers) => Promise<NotificationChannel>,
      log?: (message: string) => void,
    ): Promise<void> {
      channel = await open(AUTH_CHANGES_CHANNEL, { ...handlers, log });
    },
    async close(): Promise<void> {
      const current = channel;
      channel = undefined;
      reset();
      await current?.close();
    },
  };
}

export type AuthCache = ReturnType<typeof createAuthCache>;

/** Tells the caches of every replica about a committed change (`AuthCache.changed`). */
export type AnnounceAuthChange = (change: AuthChange) => Promise<void>;

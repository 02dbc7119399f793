import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * Messages to every process on one database: PostgreSQL `LISTEN`/`NOTIFY` on a connection
 * of its own (real PostgreSQL), or an in-process fan-out (the embedded database belongs to
 * one process, and PGlite's socket server does not deliver notifications).
 */
export interface NotificationChannel {
  /**
   * Sends `payload` (≤ 7,000 bytes, PostgreSQL's limit is 8,000) to every subscriber of the
   * channel on this database, this process included. On real PostgreSQL it resolves once
   * every process listening when it was sent has acknowledged it — i.e. has run `onMessage`
   * — or after `ackTimeoutMs` (default 2 s; a listener that went away meanwhile resets
   * itself when it reconnects). Rejects when it cannot be sent.
   */
  publish(payload: string): Promise<void>;
  /** Whether messages from other processes are being received now (always true when embedded). */
  isListening(): boolean;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  /** Called with every payload published on the channel by any process. */
  onMessage(payload: string): void;
  /**
   * Called when messages may have been missed (the listening connection was lost) and again
   * when listening resumes: whatever was derived from them must be dropped.
   */
  onReset(): void;
  log?: ((message: string) => void) | undefined;
}

/** Channel names are SQL identifiers: lower-case letters, digits and `_`. */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Fields of a message on the wire: kind (`m` message, `a` acknowledgement), sender, id, body. */
const SEPARATOR = '\u001f';

/** The `application_name` of listening connections, by which a sender counts the listeners. */
const listenerName = (channel: string) => `slipway-listen:${channel}`;

/** In-process channels of an embedded database, by name. */
export function createLocalChannels() {
  const subscribers = new Map<string, Set<ChannelHandlers>>();
  return {
    open(name: string, handlers: ChannelHandlers): NotificationChannel {
      const set = subscribers.get(name) ?? new Set();
      subscribers.set(name, set);
      set.add(handlers);
      return {
        async publish(payload) {
          for (const subscriber of set) subscriber.onMessage(payload);
        },
        isListening: () => true,
        async close() {
          set.delete(handlers);
        },
      };
    },
  };
}

/**
 * Listens on `name` over a dedicated connection to `connectionString`; a lost connection is
 * reported through `onReset` and re-opened after `retryMs` (default 1 s), then `onReset` is
 * called again (messages sent in between were missed).
 */
export async function openPostgresChannel(
  connectionString: string,
  name: string,
  handlers: ChannelHandlers,
  options: { retryMs?: number; ackTimeoutMs?: number } = {},
): Promise<NotificationChannel> {
  if (!CHANNEL_NAME.test(name)) throw new Error(`invalid channel name ${JSON.stringify(name)}`);
  const retryMs = options.retryMs ?? 1_000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 2_000;
  const sender = randomUUID();
  /** Messages this process sent, waiting for their acknowledgements: id → count still missing. */
  const waiting = new Map<string, { missing: number; done: () => void }>();
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const send = (on: pg.Client, fields: string[]) =>
    on.query('SELECT pg_notify($1, $2)', [name, fields.join(SEPARATOR)]);

  function received(on: pg.Client, text: string): void {
    const [kind, from, id, body] = text.split(SEPARATOR);
    if (from === undefined || id === undefined || body === undefined) return;
    if (kind === 'm') {
      handlers.onMessage(body);
      // Every listener, the sender included, acknowledges what it has applied.
      send(on, ['a', from, id, sender]).catch(() => undefined);
    } else if (kind === 'a' && from === sender) {
      const entry = waiting.get(id);
      if (entry && --entry.missing <= 0) entry.done();
    }
  }

  function lost(fresh: pg.Client, reason: string): void {
    if (client !== fresh) return;
    client = undefined;
    handlers.log?.(`notification channel ${name}: connection lost (${reason}); reconnecting`);
    handlers.onReset();
    fresh.end().catch(() => undefined);
    if (!closed) timer = setTimeout(() => void connect().catch(() => undefined), retryMs);
  }

  async function connect(): Promise<void> {
    const fresh = new pg.Client({ connectionString, application_name: listenerName(name) });
    fresh.on('notification', (message) => {
      if (message.channel === name && message.payload !== undefined) received(fresh, message.payload);
    });
    fresh.on('error', (error) => lost(fresh, error.message));
    fresh.on('end', () => lost(fresh, 'ended'));
    try {
      await fresh.connect();
      await fresh.query(`LISTEN ${name}`);
    } catch (error) {
      fresh.removeAllListeners('end');
      await fresh.end().catch(() => undefined);
      if (closed) return;
      handlers.log?.(`notification channel ${name}: ${(error as Error).message}; retrying`);
      timer = setTimeout(() => void connect().catch(() => undefined), retryMs);
      throw error;
    }
    if (closed) {
      await fresh.end().catch(() => undefined);
      return;
    }
    client = fresh;
    handlers.onReset();
  }

  // Not listening yet is a state the caller sees (isListening), not a failure to open.
  await connect().catch(() => undefined);
  return {
    async publish(payload) {
      const current = client;
      if (!current) throw new Error(`notification channel ${name} is not connected`);
      // Everyone listening now (replicas of this database, this one included) must confirm.
      const { rows } = await current.query<{ listeners: number }>(
        `SELECT count(*)::int AS listeners FROM pg_stat_activity
         WHERE application_name = $1 AND datname = current_database()`,
        [listenerName(name)],
      );
      const id = randomUUID();
      const acknowledged = new Promise<void>((resolve) => {
        const timeout = setTimeout(resolve, ackTimeoutMs);
        waiting.set(id, {
          missing: Math.max(1, rows[0]?.listeners ?? 1),
          done: () => {
            clearTimeout(timeout);
            resolve();
          },
        });
      });
      try {
        await send(current, ['m', sender, id, payload]);
        await acknowledged;
      } finally {
        waiting.delete(id);
      }
    },
    isListening: () => client !== undefined,
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => undefined);
      }
    },
  };
}

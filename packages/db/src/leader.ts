import pg from 'pg';

/** Advisory-lock key of the run engine's leadership ("slwleadr"). */
export const ENGINE_LEADER_LOCK = 0x736c776c;

/**
 * The channel a run is announced on (payload: its id) when any replica creates or changes
 * it: the leader LISTENs on its lock connection and reconciles the run at once.
 */
export const RUN_CHANNEL = 'slipway_run';

export interface LeaderElection {
  /** Whether this process holds the lock now. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

/**
 * Leadership through a session-level Postgres advisory lock held on a connection of its
 * own: whoever holds the lock leads, and a leader whose process or connection dies loses
 * it at once (Postgres releases the lock with the session), so another replica takes over.
 *
 * A leader sends no query while it leads: it learns that its session is gone from the
 * connection itself (the server's termination message or a socket error, and TCP
 * keepalive for a peer that vanished silently), then steps down and campaigns again.
 * A replica that does not lead waits for the lock in PostgreSQL's lock queue
 * (`pg_advisory_lock`), so it is granted the lock the moment the leader's session ends; the
 * wait is renewed every `waitMs` (`lock_timeout`), which bounds how long the server keeps a
 * stopped follower's waiting session. After a connection failure it tries again every
 * `retryMs`.
 *
 * A leader whose host vanishes without closing its connection (a node lost, a network cut:
 * no FIN, no RST) must lose the lock too, and that is the server's call: PostgreSQL keeps a
 * session, and its locks, until its socket fails, which with the operating system's TCP
 * defaults takes hours (keepalive after 2 h idle; 15 retransmissions, about 15 min, while
 * data is unacknowledged). So the lock's session sets its own server-side keepalive and
 * user timeout (`tcp_keepalives_*`, `tcp_user_timeout`, PostgreSQL 12 or later, see
 * {@link serverKeepAliveOptions}): the server drops it, and frees the lock for a follower,
 * about `2 × keepAliveMs` after the leader went silent. The leader itself notices at about
 * the same time through its own keepalive and steps down.
 */
export function electLeader(options: {
  connectionString: string;
  lockKey?: number;
  /** Wait after a failed connection or statement before campaigning again (ms). */
  retryMs?: number;
  /** Longest single wait in the lock queue (PostgreSQL's `lock_timeout`, ms); then it waits again. */
  waitMs?: number;
  /**
   * TCP keepalive probes start after this much idle time on the lock's connection, on both
   * ends (ms); a silent peer is given up about twice this long after it went quiet.
   */
  keepAliveMs?: number;
  onChange: (leading: boolean) => void;
  /** While leading: told every notification on `RUN_CHANNEL` (its payload). */
  onRunNotification?: (payload: string) => void;
  log?: (message: string) => void;
}): LeaderElection {
  const key = options.lockKey ?? ENGINE_LEADER_LOCK;
  const retryMs = options.retryMs ?? 5_000;
  const keepAliveMs = options.keepAliveMs ?? 10_000;
  const waitMs = options.waitMs ?? 10_000;
  let client: pg.Client | undefined;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const setLeading = (value: boolean) => {
    if (leading === value) return;
    leading = value;
    options.onChange(value);
  };

  /** The lock's connection is gone (error or end): step down, campaign again later. */
  function lost(connection: pg.Client, reason: string) {
    if (client !== connection) return;
    options.log?.(`leader election connection lost: ${reason}`);
    client = undefined;
    connection.end().catch(() => undefined);
    setLeading(false);
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    if (!stopped && !leading) timer = setTimeout(() => void attempt(), retryMs);
  }

  async function attempt(): Promise<void> {
    if (stopped) return;
    try {
      if (!client) {
        const fresh = new pg.Client({
          connectionString: options.connectionString,
          keepAlive: true,
          keepAliveInitialDelayMillis: keepAliveMs,
          options: `${serverKeepAliveOptions(keepAliveMs)} -c lock_timeout=${waitMs}`,
        });
        fresh.on('error', (error) => lost(fresh, error.message));
        fresh.on('end', () => lost(fresh, 'the connection ended'));
        fresh.on('notification', (message) => {
          if (message.channel === RUN_CHANNEL && message.payload)
            options.onRunNotification?.(message.payload);
        });
        await fresh.connect();
        client = fresh;
      }
      const connection = client;
      // Returns once this session holds the lock; fails with lock_not_available after waitMs.
      await connection.query('SELECT pg_advisory_lock($1)', [key]);
      if (stopped || client !== connection) return;
      if (options.onRunNotification) await connection.query(`LISTEN ${RUN_CHANNEL}`);
      setLeading(true);
    } catch (error) {
      if (isWaitOver(error) && client && !stopped) {
        // The wait ran out (lock_timeout, or a statement_timeout the server imposes): queue again.
        void attempt();
        return;
      }
      options.log?.(`leader election: ${(error as Error).message}`);
      client?.end().catch(() => undefined);
      client = undefined;
      setLeading(false);
    }
    schedule();
  }

  void attempt();
  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      setLeading(false);
      const connection = client;
      client = undefined;
      await connection?.end().catch(() => undefined);
    },
  };
}

/** lock_not_available (`lock_timeout`) or query_canceled (a server-wide `statement_timeout`). */
function isWaitOver(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '55P03' || code === '57014';
}

/**
 * The lock session's server-side TCP settings, as PostgreSQL start-up options (`-c name=value`,
 * https://www.postgresql.org/docs/current/runtime-config-connection.html#RUNTIME-CONFIG-TCP-SETTINGS):
 * keepalive probes after `keepAliveMs` of silence, then every quarter of it (at least 1 s),
 * four unanswered probes drop the session; `tcp_user_timeout` (RFC 5482) bounds the time sent
 * data (a NOTIFY to the leader) may stay unacknowledged, where keepalive does not apply.
 * Either way the session ends about `2 × keepAliveMs` after its peer fell silent.
 */
export function serverKeepAliveOptions(keepAliveMs: number): string {
  const idle = Math.max(1, Math.round(keepAliveMs / 1000));
  const interval = Math.max(1, Math.round(idle / 4));
  return [
    `-c tcp_keepalives_idle=${idle}`,
    `-c tcp_keepalives_interval=${interval}`,
    '-c tcp_keepalives_count=4',
    `-c tcp_user_timeout=${2 * idle * 1000}`,
  ].join(' ');
}

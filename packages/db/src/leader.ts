import pg from 'pg';

/** Advisory-lock key of the run engine's leadership ("slwleadr"). */
export const ENGINE_LEADER_LOCK = 0x736c776c;

export interface LeaderElection {
  /** Whether this process holds the lock now. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

/**
 * Leadership through a session-level Postgres advisory lock held on a connection of its
 * own: whoever holds the lock leads, and a leader whose process or connection dies loses
 * it at once (Postgres releases the lock with the session), so another replica takes over.
 */
export function electLeader(options: {
  connectionString: string;
  lockKey?: number;
  retryMs?: number;
  onChange: (leading: boolean) => void;
  log?: (message: string) => void;
}): LeaderElection {
  const key = options.lockKey ?? ENGINE_LEADER_LOCK;
  const retryMs = options.retryMs ?? 5_000;
  let client: pg.Client | undefined;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const setLeading = (value: boolean) => {
    if (leading === value) return;
    leading = value;
    options.onChange(value);
  };

  async function attempt(): Promise<void> {
    if (stopped) return;
    try {
      if (!client) {
        const fresh = new pg.Client({ connectionString: options.connectionString });
        fresh.on('error', (error) => {
          options.log?.(`leader election connection lost: ${error.message}`);
          if (client === fresh) client = undefined;
          setLeading(false);
          fresh.end().catch(() => undefined);
        });
        await fresh.connect();
        client = fresh;
      }
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        key,
      ]);
      if (rows[0]?.locked) setLeading(true);
    } catch (error) {
      options.log?.(`leader election: ${(error as Error).message}`);
      client?.end().catch(() => undefined);
      client = undefined;
      setLeading(false);
    }
    if (!stopped && !leading) timer = setTimeout(() => void attempt(), retryMs);
    else if (!stopped) timer = setTimeout(() => void check(), retryMs);
  }

  /** A leader checks its connection now and then (a dead one means the lock is gone). */
  async function check(): Promise<void> {
    if (stopped) return;
    // The connection's error handler may have dropped it already: campaign again.
    if (!client) return attempt();
    try {
      await client.query('SELECT 1');
      timer = setTimeout(() => void check(), retryMs);
    } catch {
      client.end().catch(() => undefined);
      client = undefined;
      setLeading(false);
      void attempt();
    }
  }

  void attempt();
  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      setLeading(false);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

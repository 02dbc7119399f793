import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { electLeader, type LeaderElection } from './leader.ts';
import { migrate } from './migrator.ts';
import {
  type ChannelHandlers,
  createLocalChannels,
  type NotificationChannel,
  openPostgresChannel,
} from './notifications.ts';

export interface DatabaseConfig {
  /** A real Postgres; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  log?: (message: string) => void;
  /**
   * Connections in the pool to a real PostgreSQL (`SLIPWAY_DB_POOL_SIZE`); default
   * {@link DEFAULT_POOL_SIZE}. The embedded database always uses one.
   */
  poolSize?: number | undefined;
  /** Called after every statement Prisma runs (benchmarks count statements per request with it). */
  onQuery?: ((event: { query: string; durationMs: number }) => void) | undefined;
}

/** Connections to a real PostgreSQL when `poolSize` is not given. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Interactive transactions may wait for a connection and run longer than Prisma's defaults
 * (2 s, 5 s) allow on a busy 2-core machine: many runs started at once queue on their
 * pipeline's row lock, and a transaction given up there would answer 500 to a valid request.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

export interface Database {
  prisma: PrismaClient;
  embedded: boolean;
  /**
   * Leadership for background work. The embedded database belongs to one process (its
   * data directory is locked), which therefore always leads.
   */
  electLeader(
    onChange: (leading: boolean) => void,
    log?: (message: string) => void,
    /** While leading, told each run another replica announced (see `RUN_CHANNEL`). */
    onRunNotification?: (runId: string) => void,
  ): LeaderElection;
  /**
   * Subscribes to messages between the processes sharing this database (see
   * `NotificationChannel`): PostgreSQL LISTEN/NOTIFY, or in-process when embedded.
   */
  openChannel(name: string, handlers: ChannelHandlers): Promise<NotificationChannel>;
  /**
   * One plain SQL statement on the pool Prisma uses, rows as PostgreSQL returns them
   * (`timestamptz` as Date). Only for hot read paths whose cost Prisma's per-query work would
   * dominate (a query through Prisma costs several times the CPU of the same statement here);
   * like Prisma, only repositories call it. Each distinct `text` becomes a prepared statement
   * on every connection that runs it (so `text` must be a constant, values go in `values`).
   */
  sql<Row>(text: string, values: readonly unknown[]): Promise<Row[]>;
  /** Throws with the reason when the database is unreachable or has pending migrations. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

function withQueryEvents(adapter: PrismaPg, onQuery: NonNullable<DatabaseConfig['onQuery']>) {
  const client = new PrismaClient({
    adapter,
    transactionOptions: TRANSACTION_OPTIONS,
    log: [{ emit: 'event', level: 'query' }],
  });
  client.$on('query', (event) => onQuery({ query: event.query, durationMs: event.duration }));
  return client as unknown as PrismaClient;
}

/** Connects (starting PGlite first when no URL is given), applies migrations, returns Prisma. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const connectionString = config.databaseUrl ?? embedded?.connectionString;
  if (!connectionString) throw new Error('no database connection string');
  let expectedMigrations: string[];
  try {
    if (embedded) config.log?.(`embedded database (PGlite) in ${embedded.dataDir}`);
    const result = await migrate(connectionString, { log: config.log });
    expectedMigrations = result.all;
    config.log?.(`migrations: ${result.applied.length} applied now, ${result.alreadyApplied} applied before`);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const pool = new pg.Pool({
    connectionString,
    // PGlite serves one connection at a time.
    max: embedded ? 1 : (config.poolSize ?? DEFAULT_POOL_SIZE),
    connectionTimeoutMillis: 5_000,
    // PGlite has one session whatever the client: a pool client closed while idle and
    // opened again lands in the same session, so the connection is kept for good.
    ...(embedded ? { idleTimeoutMillis: 0 } : {}),
  });
  // A pooled connection that fails while idle (e.g. the server ends it) is dropped from the
  // pool; without a listener the pool would throw it as an uncaught exception.
  pool.on('error', (error) => config.log?.(`database connection lost: ${error.message}`));
  const adapter = new PrismaPg(pool);
  const prisma = config.onQuery
    ? withQueryEvents(adapter, config.onQuery)
    : new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });

  const localChannels = createLocalChannels();
  const statementNames = new Map<string, string>();
  return {
    prisma,
    embedded: Boolean(embedded),
    async openChannel(name, handlers) {
      return embedded
        ? localChannels.open(name, handlers)
        : openPostgresChannel(connectionString, name, handlers);
    },
    electLeader(onChange, log, onRunNotification) {
      if (embedded) {
        // One process: its own wake-ups reach its engine directly.
        onChange(true);
        return { isLeader: () => true, stop: async () => onChange(false) };
      }
      return electLeader({
        connectionString,
        onChange,
        ...(log ? { log } : {}),
        ...(onRunNotification ? { onRunNotification } : {}),
      });
    },
    async sql<Row>(text: string, values: readonly unknown[]) {
      const started = performance.now();
      // A named statement is parsed and planned once per connection, then only executed.
      // Not on the embedded database: its one session outlives pool clients (the statements
      // a closed client prepared are still there, and preparing them again fails).
      let name = embedded ? undefined : statementNames.get(text);
      if (!name && !embedded) {
        name = `slipway_${statementNames.size + 1}`;
        statementNames.set(text, name);
      }
      const result = await pool.query({ ...(name ? { name } : {}), text, values: [...values] });
      config.onQuery?.({ query: text, durationMs: performance.now() - started });
      return result.rows as Row[];
    },
    async checkReady() {
      // The reason is shown by /readyz: keep connection details out of it.
      const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`.catch(() => {
        throw new Error('database unreachable');
      });
      const applied = new Set(rows.map((row) => row.migration_name));
      const missing = expectedMigrations.filter((name) => !applied.has(name));
      if (missing.length > 0) throw new Error(`migrations not applied: ${missing.join(', ')}`);
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

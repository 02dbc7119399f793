import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { electLeader, type LeaderElection } from './leader.ts';
import { migrate } from './migrator.ts';

export interface DatabaseConfig {
  /** A real Postgres; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  log?: (message: string) => void;
}

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
   * One plain SQL statement on the pool Prisma uses, rows as PostgreSQL returns them
   * (`timestamptz` as Date). Only for hot paths whose cost Prisma's per-query work would
   * dominate (Prisma serialises every raw parameter to JSON and back: for a batch of log
   * chunks that doubled the CPU and the garbage); like Prisma, only repositories call it.
   * Each distinct `text` becomes a prepared statement on every connection that runs it (so
   * `text` must be one of a few constants, values go in `values`).
   */
  sql<Row>(text: string, values: readonly unknown[]): Promise<Row[]>;
  /** Throws with the reason when the database is unreachable or has pending migrations. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
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
    max: embedded ? 1 : 10,
    connectionTimeoutMillis: 5_000,
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const statementNames = new Map<string, string>();

  return {
    prisma,
    embedded: Boolean(embedded),
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
      // A named statement is parsed and planned once per connection, then only executed.
      let name = statementNames.get(text);
      if (!name) {
        name = `slipway_${statementNames.size + 1}`;
        statementNames.set(text, name);
      }
      const result = await pool.query({ name, text, values: [...values] });
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

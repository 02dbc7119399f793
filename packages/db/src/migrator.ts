import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository's migrations folder, in Prisma's layout: `<timestamp>_<name>/migration.sql`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/**
 * The advisory lock id `prisma migrate deploy` takes, so this migrator and Prisma's
 * exclude each other as well as two Slipway replicas starting together.
 */
const MIGRATION_LOCK_ID = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes, hex: the checksum Prisma records. */
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * The database server could not be reached (refused, unknown host, timeout, authentication).
 * `target` names it without the password: `user@host:port/database`.
 */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(`cannot connect to the database ${target}: ${reason}`);
  }
}

/** Why a connection failed, in one line: Node reports a refused `localhost` (tried on ::1 and 127.0.0.1) as an AggregateError with no message of its own. */
function connectionFailure(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(connectionFailure))].join('; ');
  }
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name;
  return String(error);
}

/** `postgres://user:secret@host:5432/db?x=y` → `user@host:5432/db`: safe to log. */
export function describeDatabaseTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${user}${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(an address that is not a URL)';
  }
}

export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(dir, name, 'migration.sql'));
      return {
        name,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    }),
  );
}

// The same definition `prisma migrate` creates, so either tool can take over a database.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

async function appliedMigrations(client: pg.ClientBase): Promise<AppliedRow[]> {
  const exists = await client.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return [];
  const result = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

/** Checks applied migrations against the files; returns the ones still to apply. */
export function planMigrations(files: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        `migration "${row.migration_name}" is applied to the database but missing from ${MIGRATIONS_DIR}: ` +
          'this database was migrated by a newer Slipway',
      );
    }
    if (row.finished_at === null) {
      throw new MigrationError(
        `migration "${row.migration_name}" started but never finished; resolve it by hand before starting`,
      );
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration "${row.migration_name}" was changed after it was applied ` +
          `(checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk); ` +
          'add a new migration instead of editing an applied one',
      );
    }
  }
  const appliedNames = new Set(applied.map((row) => row.migration_name));
  return files.filter((file) => !appliedNames.has(file.name));
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
  /** Every migration on disk, in order (for readiness checks). */
  all: string[];
}

/**
 * Applies pending migrations in order, each in its own transaction, under Prisma's
 * advisory lock. Refuses (throws MigrationError) when an applied migration changed.
 */
export async function migrate(
  connectionString: string,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.dir);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnreachableError(describeDatabaseTarget(connectionString), connectionFailure(error));
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await appliedMigrations(client);
      const pending = planMigrations(files, applied);
      for (const file of pending) {
        options.log?.(`applying migration ${file.name}`);
        await applyOne(client, file);
      }
      return {
        applied: pending.map((file) => file.name),
        alreadyApplied: applied.length,
        all: files.map((file) => file.name),
      };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const message = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration "${file.name}" failed and was rolled back: ${message}`);
  }
}

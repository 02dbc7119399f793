import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '@slipway/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrationFiles } from './migrator.ts';

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(postgresSkipReason())('migrator', () => {
  const databases: TestDatabase[] = [];
  const emptyDatabase = async () => {
    const db = await createTestDatabase({ empty: true });
    databases.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  it('applies every migration once and records it the way Prisma does', async () => {
    const db = await emptyDatabase();
    const files = await readMigrationFiles();
    const first = await migrate(db.url);
    expect(first.applied).toEqual(files.map((file) => file.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date;
      applied_steps_count: number;
    }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((row) => [row.migration_name, row.checksum, row.applied_steps_count])).toEqual(
      files.map((file) => [file.name, file.checksum, 1]),
    );
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);

    const second = await migrate(db.url);
    expect(second).toEqual({
      applied: [],
      alreadyApplied: files.length,
      all: files.map((file) => file.name),
    });
  });

  it('refuses to start when an applied migration was edited', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.url, { dir });
    const [first] = await readMigrationFiles(dir);
    if (!first) throw new Error('no migrations');
    await writeFile(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    await expect(migrate(db.url, { dir })).rejects.toThrow(
      new RegExp(`migration "${first.name}" was changed after it was applied`),
    );
  });

  it('rolls back a failing migration completely and names it', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    const broken = path.join(dir, '99990101000000_broken');
    await mkdir(broken);
    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
    );
    const error = await migrate(db.url, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/migration "99990101000000_broken" failed and was rolled back/);
    const tables = await query<{ t: string | null }>(db.url, `SELECT to_regclass('half_done')::text AS t`);
    expect(tables[0]?.t).toBeNull();
    const recorded = await query<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`,
    );
    expect(recorded[0]?.n).toBe('0');
  });

  it('migrates once when several replicas start at the same moment', async () => {
    const db = await emptyDatabase();
    const results = await Promise.all([migrate(db.url), migrate(db.url), migrate(db.url)]);
    const files = await readMigrationFiles();
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, files.length]);
    const rows = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]?.n)).toBe(files.length);
  });
});

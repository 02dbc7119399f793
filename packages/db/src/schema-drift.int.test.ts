import { readFile } from 'node:fs/promises';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '@slipway/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actualShape, diffShapes, expectedShape, SCHEMA_PATH } from '../test/schema-drift.ts';
import { migrate } from './migrator.ts';

describe.skipIf(postgresSkipReason())('schema drift: migrations build exactly schema.prisma', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    await migrate(database.url);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('has every model, field (type, nullability, default), unique, index and relation, and nothing else', async () => {
    const expected = await expectedShape();
    const actual = await actualShape(client);
    expect(diffShapes(expected, actual)).toEqual([]);
    // Guard against a checker that compares nothing.
    expect(expected.tables.length).toBeGreaterThanOrEqual(4);
    expect(expected.foreignKeys.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a field added to the schema without a migration', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const changed = schema.replace(
      'model Workspace {',
      'model Workspace {\n  archived Boolean @default(false)\n  archivedAt DateTime?',
    );
    const differences = diffShapes(await expectedShape(changed), await actualShape(client));
    expect(differences).toEqual([
      'missing in database: workspaces.archived boolean NOT NULL default=false',
      'missing in database: workspaces.archivedAt timestamp(3) without time zone NULL default=none',
    ]);
  });

  it('reports a database changed behind the schema’s back', async () => {
    await client.query('BEGIN');
    try {
      await client.query('CREATE TABLE stray (id int)');
      await client.query('DROP INDEX "sessions_user_id_idx"');
      await client.query(`ALTER TABLE "projects" ALTER COLUMN "default_branch" SET DEFAULT 'master'`);
      await client.query(`ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL`);
      const differences = diffShapes(await expectedShape(), await actualShape(client));
      expect(differences).toEqual(
        expect.arrayContaining([
          'not in schema.prisma: stray',
          'missing in database: sessions INDEX (user_id)',
          "missing in database: projects.default_branch character varying(255) NOT NULL default='main'",
          "not in schema.prisma: projects.default_branch character varying(255) NOT NULL default='master'",
          'missing in database: users.email character varying(320) NULL default=none',
        ]),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

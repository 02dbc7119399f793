import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { isForeignKeyViolation, isUniqueViolation } from './errors.ts';

describe('the embedded database (PGlite)', () => {
  let dataDir: string;
  let db: Database;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-embedded-'));
    db = await openDatabase({ dataDir });
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers sql() when its one session holds statements an earlier pool client prepared', async () => {
    // A pool client closed while idle leaves its prepared statements in PGlite's one session;
    // the next client must not prepare the same names again (it failed with "prepared
    // statement slipway_1 already exists", and every list and log write after it with 500s).
    await db.prisma.$executeRawUnsafe('PREPARE slipway_1 AS SELECT 1');
    await db.prisma.$executeRawUnsafe('PREPARE slipway_2 AS SELECT 2');
    for (let i = 0; i < 3; i++) {
      expect(await db.sql<{ n: number }>('SELECT $1::int AS n', [i])).toEqual([{ n: i }]);
      expect(await db.sql<{ s: string }>('SELECT $1::text AS s', [`v${i}`])).toEqual([{ s: `v${i}` }]);
    }
  });

  it('tells unique and foreign-key violations of raw statements (P2010) as it does of model queries', async () => {
    await db.prisma.$executeRawUnsafe('CREATE TABLE raw_parent (id int PRIMARY KEY)');
    await db.prisma.$executeRawUnsafe('CREATE TABLE raw_child (parent int REFERENCES raw_parent (id))');
    await db.prisma.$executeRaw`INSERT INTO raw_parent (id) VALUES (1)`;
    const duplicate = await db.prisma.$executeRaw`INSERT INTO raw_parent (id) VALUES (1)`.catch(
      (e: unknown) => e,
    );
    const orphan = await db.prisma.$executeRaw`INSERT INTO raw_child (parent) VALUES (2)`.catch(
      (e: unknown) => e,
    );
    expect([isUniqueViolation(duplicate), isForeignKeyViolation(duplicate)]).toEqual([true, false]);
    expect([isUniqueViolation(orphan), isForeignKeyViolation(orphan)]).toEqual([false, true]);
  });
});

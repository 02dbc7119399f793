import { describe, expect, it } from 'vitest';
import { describeDatabaseTarget, MigrationError, type MigrationFile, planMigrations } from './migrator.ts';

const file = (name: string, checksum = `sum-${name}`): MigrationFile => ({ name, sql: '', checksum });
const row = (name: string, checksum = `sum-${name}`, finished = true) => ({
  migration_name: name,
  checksum,
  finished_at: finished ? new Date() : null,
});

describe('planMigrations', () => {
  const files = [file('20260101000000_a'), file('20260201000000_b'), file('20260301000000_c')];

  it('returns the files not yet applied, in order', () => {
    expect(planMigrations(files, [row('20260101000000_a')]).map((f) => f.name)).toEqual([
      '20260201000000_b',
      '20260301000000_c',
    ]);
    expect(
      planMigrations(
        files,
        files.map((f) => row(f.name)),
      ),
    ).toEqual([]);
  });

  it('refuses an applied migration whose file changed', () => {
    expect(() => planMigrations(files, [row('20260101000000_a', 'other')])).toThrow(
      /migration "20260101000000_a" was changed after it was applied/,
    );
  });

  it('refuses a database migrated by a newer version', () => {
    expect(() => planMigrations(files, [row('20270101000000_future')])).toThrow(MigrationError);
  });

  it('refuses to go on after a migration that never finished', () => {
    expect(() => planMigrations(files, [row('20260101000000_a', undefined, false)])).toThrow(
      /never finished/,
    );
  });
});

describe('describeDatabaseTarget', () => {
  it('names user, host, port and database, never the password or the query', () => {
    expect(describeDatabaseTarget('postgres://app:s3cr%40t@db.example:6432/slipway?sslmode=require')).toBe(
      'app@db.example:6432/slipway',
    );
    expect(describeDatabaseTarget('postgresql://db/slipway')).toBe('db:5432/slipway');
    expect(describeDatabaseTarget('not a url')).toBe('(an address that is not a URL)');
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_DATABASE = 'slipway_template';
export const TEST_PG_URL_ENV = 'SLIPWAY_TEST_PG_URL';
export const TEST_PG_SKIP_ENV = 'SLIPWAY_TEST_PG_SKIP';

/** Why database tests cannot run here (no server binaries outside CI), or undefined. */
export function postgresSkipReason(): string | undefined {
  return process.env[TEST_PG_SKIP_ENV];
}

function serverUrl(): URL {
  const url = process.env[TEST_PG_URL_ENV];
  if (!url) {
    throw new Error(
      `${TEST_PG_URL_ENV} is not set: run database tests through vitest's integration project (./run test:int)`,
    );
  }
  return new URL(url);
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl().toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file. Cloned from the migrated template (fast), or empty
 * when `{ empty: true }` (for migrator and drift tests).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) =>
    client.query(
      options.empty
        ? `CREATE DATABASE "${name}"`
        : `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`,
    ),
  );
  const url = serverUrl();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

// Vitest global setup for the integration and browser tiers: one PostgreSQL server per
// test run, with a migrated template database that each test file clones.
import {
  PostgresUnavailableError,
  startPostgresServer,
  TEMPLATE_DATABASE,
  TEST_PG_SKIP_ENV,
  TEST_PG_URL_ENV,
} from '@slipway/testing';
import pg from 'pg';
import { migrate } from '../src/migrator.ts';

export default async function setup(): Promise<() => Promise<void>> {
  let server: Awaited<ReturnType<typeof startPostgresServer>>;
  try {
    server = await startPostgresServer();
  } catch (error) {
    if (error instanceof PostgresUnavailableError && process.env.CI !== 'true') {
      process.stderr.write(`\n[postgres] skipping database tests: ${error.message}\n\n`);
      process.env[TEST_PG_SKIP_ENV] = error.message;
      return async () => {};
    }
    throw error;
  }
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await admin.end();
  await migrate(server.urlFor(TEMPLATE_DATABASE));
  process.env[TEST_PG_URL_ENV] = server.url;
  return async () => {
    await server.stop();
  };
}

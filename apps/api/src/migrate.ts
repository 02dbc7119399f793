/**
 * Applies pending database migrations to `DATABASE_URL` and exits: the command the Helm
 * chart's migration Job runs (`node apps/api/dist/migrate.js`) before a new version's pods
 * start. The server applies them at start-up too (under the same advisory lock, so running
 * both, or several replicas at once, is safe); this lets an upgrade fail on a bad migration
 * before any pod of the new version is rolled.
 *
 * Exit codes: 0 applied (or nothing to do), 78 (EX_CONFIG) a missing or malformed setting,
 * 1 any other failure, with one line `slipway: …` on stderr.
 */
import { migrate } from '@slipway/db';
import { ConfigError, loadConfig, startupFailureMessage } from './config.ts';

async function main(): Promise<void> {
  let databaseUrl: string | undefined;
  try {
    databaseUrl = loadConfig().databaseUrl;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`slipway: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  if (!databaseUrl) {
    process.stderr.write(
      'slipway: DATABASE_URL is required to run migrations (the embedded database migrates itself)\n',
    );
    process.exit(78);
  }
  const result = await migrate(databaseUrl, { log: (message) => process.stdout.write(`${message}\n`) });
  process.stdout.write(
    `migrations: ${result.applied.length} applied now, ${result.alreadyApplied} applied before\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`slipway: migration failed: ${startupFailureMessage(error)}\n`);
  process.exit(1);
});

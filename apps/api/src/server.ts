import { openDatabase } from '@slipway/db';
import pino from 'pino';
import { buildApp, REDACTED_LOG_PATHS } from './app.ts';
import { ConfigError, isLoopbackUrl, loadConfig, startupFailureMessage } from './config.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { loadOrCreateSecretKey } from './lib/secret-box.ts';
import { type MetricsListener, startMetricsListener } from './modules/metrics/metrics-listener.ts';
import { announcementHandler } from './modules/schedules/scheduler.ts';

/** How long in-flight requests may take to finish after SIGTERM before their connections are cut. */
const DRAIN_TIMEOUT_MS = 8_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`slipway: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const logger = pino({
    level: config.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.dbPoolSize,
    dataDir: config.dataDir,
    log: (message) => logger.info(message),
  });
  const secret = await loadOrCreateSecretKey(config.secretKey, config.dataDir);
  if (secret.source === 'generated')
    logger.info(`generated the secret key for stored credentials in ${secret.file}`);
  if (secret.source !== 'environment' && !db.embedded) {
    logger.warn('SLIPWAY_SECRET_KEY is not set: every replica sharing this database must use the same key');
  }
  if (config.jobApiUrl && isLoopbackUrl(config.jobApiUrl)) {
    logger.warn(
      `SLIPWAY_JOB_API_URL is ${config.jobApiUrl}, a loopback address: pods of a real cluster cannot reach it, so their jobs' artifacts, test reports and caches fail to move (fine only for the local KWOK cluster, which runs no containers)`,
    );
  }
  const { app, services, engine, releases, notifications, scheduler, metrics, artifacts } = await buildApp({
    config: { ...config, secretKey: secret.key },
    db,
    logger,
  });

  const bootstrap = await services.auth.ensureBootstrapAdmin(config.adminPassword);
  if (bootstrap.generatedPassword) {
    // Shown once: only its hash is stored.
    logger.warn(
      `created the first user "admin" with the generated password: ${bootstrap.generatedPassword} ` +
        '(shown only this once; set SLIPWAY_ADMIN_PASSWORD to choose it)',
    );
  } else if (bootstrap.created) {
    logger.info('created the first user "admin" with the password from SLIPWAY_ADMIN_PASSWORD');
  }

  if (config.demo) {
    await seedDemo({
      prisma: db.prisma,
      services,
      dataDir: config.dataDir,
      log: (message) => logger.info(message),
    }).catch((error: unknown) => logger.warn({ err: error }, 'could not seed the demo'));
  }

  // Expired sessions are refused as soon as they are used; this only keeps the table small.
  const purge = setInterval(() => {
    services.auth.purgeExpiredSessions().then(
      (count) => count > 0 && logger.info({ count }, 'purged expired sessions'),
      (error: unknown) => logger.warn({ err: error }, 'could not purge expired sessions'),
    );
  }, 60 * 60_000);
  purge.unref();

  // The run engine works only in the replica holding the leadership lock.
  const leadership = db.electLeader(
    (leading) => {
      metrics.setLeader(leading);
      if (leading) {
        logger.info('leading: the run engine is running here');
        engine.start();
        releases.start();
        notifications.sender.start();
        scheduler.start();
        artifacts.gc.start();
      } else {
        void artifacts.gc.stop();
        void scheduler.stop();
        logger.info('not leading: the run engine waits');
        void notifications.sender.stop();
        void releases.stop();
        void engine.stop();
      }
    },
    (message) => logger.warn(message),
    // A run (or a schedule) created or changed through another replica.
    announcementHandler(scheduler, (runId) => engine.wake(runId)),
  );

  let metricsListener: MetricsListener | undefined;
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, draining requests');
    clearInterval(purge);
    await metricsListener?.close();
    await leadership.stop();
    const forceClose = setTimeout(() => {
      logger.warn('drain timeout reached: closing remaining connections');
      app.server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    try {
      await app.close();
      await db.close();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
    } finally {
      clearTimeout(forceClose);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Release the embedded database's lock before giving up (e.g. the port is taken).
    await app.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
  logger.info(`Slipway is listening on ${address} (${db.embedded ? 'embedded database' : 'DATABASE_URL'})`);

  if (config.metricsPort === 0) {
    logger.info('metrics: off (SLIPWAY_METRICS_PORT=0)');
    return;
  }
  try {
    metricsListener = await startMetricsListener({
      registry: metrics.registry,
      host: config.host,
      port: config.metricsPort,
      onError: (error) => logger.error({ err: error }, 'metrics: collecting failed'),
    });
  } catch (error) {
    // A bad setting, like the ones loadConfig refuses: say which variable, exit 78 (EX_CONFIG).
    const reason =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${config.metricsPort} on ${config.host} is already in use`
        : `cannot listen on ${config.host}:${config.metricsPort} (${(error as Error).message})`;
    process.stderr.write(
      `slipway: invalid configuration — SLIPWAY_METRICS_PORT: ${reason} (choose a free port, or 0 to turn the metrics listener off)\n`,
    );
    await leadership.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(78); // EX_CONFIG
  }
  logger.info(`metrics: serving ${metricsListener.url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`slipway: failed to start: ${startupFailureMessage(error)}\n`);
  process.exit(1);
});

export { type HttpReceiver, type ReceivedRequest, startHttpReceiver } from './http-receiver.ts';
export {
  findPostgresBin,
  freeLoopbackPort,
  type PostgresServer,
  PostgresUnavailableError,
  startPostgresServer,
} from './postgres-server.ts';
export { findWeed, type S3Server, startS3Server } from './s3-server.ts';
export { type ServerProcess, type ServerProcessOptions, startServerProcess } from './server-process.ts';
export { type ReceivedMail, type SmtpReceiver, startSmtpReceiver } from './smtp-receiver.ts';
export {
  createTestDatabase,
  postgresSkipReason,
  TEMPLATE_DATABASE,
  TEST_PG_SKIP_ENV,
  TEST_PG_URL_ENV,
  type TestDatabase,
} from './test-database.ts';

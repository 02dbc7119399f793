export { type Database, type DatabaseConfig, DEFAULT_POOL_SIZE, openDatabase } from './database.ts';
export { DataDirectoryInUseError } from './embedded.ts';
export { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from './errors.ts';
export type { Project, Session, User, Workspace } from './generated/prisma/client.ts';
export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export { ENGINE_LEADER_LOCK, electLeader, type LeaderElection, RUN_CHANNEL } from './leader.ts';
export { DatabaseUnreachableError, MigrationError, migrate } from './migrator.ts';
export { type ChannelHandlers, createLocalChannels, type NotificationChannel } from './notifications.ts';

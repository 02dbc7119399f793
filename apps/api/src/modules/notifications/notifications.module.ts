import type { Permission } from '@slipway/contracts';
import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { OutboundPolicy } from '../../lib/outbound-guard.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { AccessService } from '../access/access.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { createNotificationSender, type NotificationSenderConfig } from './notification-sender.ts';
import { createNotificationsRepo } from './notifications.repo.ts';
import { registerNotificationRoutes } from './notifications.routes.ts';
import { createNotificationsService } from './notifications.service.ts';
import { createNotifier } from './notifier.ts';

/**
 * Notifications wired together: the notifier (`Notify`, which the deploy parts report
 * through; it writes the outbox), the sender that delivers the outbox (leader only: start
 * and stop it with the run engine) and the channels API.
 */
export function createNotificationsModule(deps: {
  prisma: PrismaClient;
  access: AccessService;
  workspaces: WorkspacesService;
  secrets: SecretBox;
  customRoles: (workspaceId: string) => Promise<ReadonlyMap<string, readonly Permission[]>>;
  publicUrl?: string | undefined;
  sender?: NotificationSenderConfig | undefined;
  /** Where webhook and Slack deliveries may connect (SLIPWAY_ALLOW_LOCAL_NETWORK). */
  outbound: OutboundPolicy;
  logger?: FastifyBaseLogger | undefined;
}) {
  const repo = createNotificationsRepo(deps.prisma);
  const sender = createNotificationSender({
    repo,
    secrets: deps.secrets,
    config: deps.sender,
    outbound: deps.outbound,
    logger: deps.logger,
  });
  const notify = createNotifier({
    repo,
    access: deps.access,
    customRoles: deps.customRoles,
    publicUrl: deps.publicUrl,
    logger: deps.logger,
    stored: () => sender.wake(),
  });
  const service = createNotificationsService({
    repo,
    workspaces: deps.workspaces,
    secrets: deps.secrets,
    outbound: deps.outbound,
    stored: () => sender.wake(),
  });
  return {
    notify,
    sender,
    registerRoutes: (app: FastifyInstance) => registerNotificationRoutes(app, { notifications: service }),
  };
}

export type NotificationsModule = ReturnType<typeof createNotificationsModule>;

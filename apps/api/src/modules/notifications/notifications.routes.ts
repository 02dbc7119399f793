import { notificationEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { NotificationsService } from './notifications.service.ts';

export function registerNotificationRoutes(
  app: FastifyInstance,
  deps: { notifications: NotificationsService },
): void {
  const { notifications } = deps;
  registerEndpoint(app, notificationEndpoints.list, (request) =>
    notifications.list(actorOf(request), request.params.workspace),
  );
  registerEndpoint(app, notificationEndpoints.create, (request) =>
    notifications.create(actorOf(request), request.params.workspace, request.body),
  );
  registerEndpoint(app, notificationEndpoints.update, (request) =>
    notifications.update(actorOf(request), request.params.workspace, request.params.channel, request.body),
  );
  registerEndpoint(app, notificationEndpoints.delete, (request) =>
    notifications.delete(actorOf(request), request.params.workspace, request.params.channel),
  );
  registerEndpoint(app, notificationEndpoints.test, (request) =>
    notifications.test(actorOf(request), request.params.workspace, request.params.channel),
  );
  registerEndpoint(app, notificationEndpoints.deliveries, (request) =>
    notifications.deliveries(
      actorOf(request),
      request.params.workspace,
      request.params.channel,
      request.query,
    ),
  );
}

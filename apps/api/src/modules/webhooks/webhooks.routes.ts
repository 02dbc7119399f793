import { webhookEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';
import type { WebhooksService } from './webhooks.service.ts';

export async function registerWebhookRoutes(
  app: FastifyInstance,
  deps: { webhooks: WebhooksService; receiver: WebhookReceiver; bodyLimitBytes: number },
): Promise<void> {
  const { webhooks, receiver } = deps;
  const e = webhookEndpoints;
  registerEndpoint(app, e.list, (r) => webhooks.list(actorOf(r), r.params.workspace, r.params.project));
  registerEndpoint(app, e.create, (r) =>
    webhooks.create(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, e.get, (r) =>
    webhooks.get(actorOf(r), r.params.workspace, r.params.project, r.params.webhook),
  );
  registerEndpoint(app, e.update, (r) =>
    webhooks.update(actorOf(r), r.params.workspace, r.params.project, r.params.webhook, r.body),
  );
  registerEndpoint(app, e.delete, (r) =>
    webhooks.delete(actorOf(r), r.params.workspace, r.params.project, r.params.webhook),
  );
  registerEndpoint(app, e.deliveries, (r) =>
    webhooks.deliveries(actorOf(r), r.params.workspace, r.params.project, r.params.webhook, r.query),
  );

  // Signatures cover the exact bytes sent, so in this scope (the receiver only) every body
  // stays a Buffer, whatever its content type; the app's body limit still applies.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
      (_request, body, done) => done(null, body),
    );
    registerEndpoint(scope, e.receive, (r) =>
      receiver.receive({
        id: r.params.id,
        headers: r.headers,
        body: Buffer.isBuffer(r.body) ? r.body : Buffer.alloc(0),
        ipAddress: r.ip,
        requestId: r.id,
      }),
    );
  });
}

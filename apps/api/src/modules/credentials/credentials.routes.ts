import { credentialEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { CredentialsService } from './credentials.service.ts';

export function registerCredentialRoutes(
  app: FastifyInstance,
  deps: { credentials: CredentialsService },
): void {
  const { credentials } = deps;
  registerEndpoint(app, credentialEndpoints.list, (request) =>
    credentials.list(actorOf(request), request.params.workspace),
  );
  registerEndpoint(app, credentialEndpoints.create, (request) =>
    credentials.create(actorOf(request), request.params.workspace, request.body),
  );
  registerEndpoint(app, credentialEndpoints.get, (request) =>
    credentials.get(actorOf(request), request.params.workspace, request.params.credential),
  );
  registerEndpoint(app, credentialEndpoints.update, (request) =>
    credentials.update(actorOf(request), request.params.workspace, request.params.credential, request.body),
  );
  registerEndpoint(app, credentialEndpoints.delete, (request) =>
    credentials.delete(actorOf(request), request.params.workspace, request.params.credential),
  );
}

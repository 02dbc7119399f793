import { kubernetesSchemaEndpoints } from '@slipway/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerStreamingEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { KubernetesSchemaService, SchemaBody } from './kubernetes-schema.service.ts';

/** Browsers may reuse a schema for 5 minutes without asking, then revalidate with its ETag. */
export const SCHEMA_CACHE_CONTROL = 'private, max-age=300';

/**
 * Sends a schema's pre-serialized JSON with its ETag (a matching `If-None-Match` gets 304 and
 * no body, RFC 9110 §13.1.2). The compress plugin compresses the body by Accept-Encoding.
 */
function sendSchema(request: FastifyRequest, reply: FastifyReply, schema: SchemaBody) {
  reply.header('etag', schema.etag).header('cache-control', SCHEMA_CACHE_CONTROL);
  const candidates = request.headers['if-none-match']
    ?.split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''));
  if (candidates?.includes(schema.etag) || candidates?.includes('*')) return reply.code(304).send();
  return reply.code(200).type('application/json; charset=utf-8').send(schema.json);
}

export function registerKubernetesSchemaRoutes(
  app: FastifyInstance,
  deps: { kubernetesSchema: KubernetesSchemaService },
): void {
  const { kubernetesSchema } = deps;
  registerStreamingEndpoint(app, kubernetesSchemaEndpoints.builtIn, async (request, reply) =>
    sendSchema(request, reply, kubernetesSchema.builtIn()),
  );
  registerStreamingEndpoint(app, kubernetesSchemaEndpoints.environment, async (request, reply) =>
    sendSchema(
      request,
      reply,
      await kubernetesSchema.forEnvironment(
        actorOf(request),
        request.params.workspace,
        request.params.environment,
      ),
    ),
  );
}

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { addLinks, completeResponses, type OpenApiDocument } from './openapi-links.ts';

/** Must be registered before the routes: @fastify/swagger collects them as they are added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Slipway API',
        version: '1',
        description:
          'Workspaces, projects, pipelines and releases. Sign in with POST /api/v1/auth/login; ' +
          'state-changing requests carry the session csrfToken in the x-csrf-token header.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } },
      },
    },
    transform: jsonSchemaTransform,
    // Every status declared, and links between operations (see openapi-links.ts).
    transformObject: (documentObject) => {
      const document =
        'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      completeResponses(document as OpenApiDocument);
      addLinks(document as OpenApiDocument);
      return document;
    },
  });
}

export async function registerOpenApiDocuments(app: FastifyInstance): Promise<void> {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

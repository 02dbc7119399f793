import { type Endpoint, type EndpointResponse, ErrorBodySchema } from '@slipway/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AuditNote, runWithAuditNote } from './audit-note.ts';

type Out<T> = T extends z.ZodType ? z.output<T> : unknown;

export type EndpointRequest<E extends Endpoint> = FastifyRequest<{
  Params: Out<E['params']>;
  Querystring: Out<E['query']>;
  Body: Out<E['body']>;
}>;

export type EndpointHandler<E extends Endpoint> = (
  request: EndpointRequest<E>,
  reply: FastifyReply,
) => Promise<EndpointResponse<E>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `registerEndpoint`; routes without it (static files, health) are public. */
    auth?: 'public' | 'session';
    /** The endpoint changes nothing (see `Endpoint.readOnly`): not audited. */
    readOnly?: boolean;
    /** Body fields whose values the audit trail records (see `Endpoint.auditedFields`). */
    auditedFields?: readonly string[];
    /** A GET that changes state (the OIDC callback opens a session): audited all the same. */
    changesState?: boolean;
  }
}

const ERROR_RESPONSES = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };

/** The generic error responses plus the ones the endpoint declares with their meaning. */
function errorResponses(endpoint: Endpoint) {
  const bodies: Partial<Record<string, z.ZodType>> = endpoint.errorBodies ?? {};
  const declared = Object.entries(endpoint.errors ?? {}).map(([status, meaning]) => [
    status,
    (bodies[status] ?? ErrorBodySchema).describe(meaning),
  ]);
  return { ...Object.fromEntries(declared), ...ERROR_RESPONSES };
}

/** Method, URL, auth and the request schemas and OpenAPI metadata of an endpoint. */
function routeOf(endpoint: Endpoint) {
  return {
    method: endpoint.method,
    url: endpoint.path.replace(/\{(\w+)\}/g, ':$1'),
    config: {
      auth: endpoint.auth,
      readOnly: endpoint.readOnly ?? false,
      auditedFields: endpoint.auditedFields ?? [],
    },
    schema: {
      operationId: endpoint.operationId,
      summary: endpoint.summary,
      tags: [endpoint.tag],
      ...(endpoint.auth === 'session' ? { security: [{ session: [] }] } : {}),
      ...(endpoint.params ? { params: endpoint.params } : {}),
      ...(endpoint.query ? { querystring: endpoint.query } : {}),
      ...(endpoint.body ? { body: endpoint.body } : {}),
      ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    },
  };
}

/**
 * Registers one contract endpoint: its schemas validate the request and filter the
 * response (fields not in the schema never leave the server), and its metadata feeds OpenAPI.
 */
export function registerEndpoint<E extends Endpoint>(
  app: FastifyInstance,
  endpoint: E,
  handler: EndpointHandler<E>,
): void {
  app.route({
    ...routeOf(endpoint),
    schema: {
      ...routeOf(endpoint).schema,
      response: {
        [endpoint.successStatus]: endpoint.response ?? z.null().describe('No Content'),
        ...errorResponses(endpoint),
      },
    },
    // The request was validated against these very schemas, so the cast only restores
    // the types that a route built from a runtime value cannot infer.
    handler: async (request, reply) => {
      const run = () => handler(request as unknown as EndpointRequest<E>, reply);
      // Only a write the audit trail records has a note to fill; reads skip the extra context.
      let result: Awaited<ReturnType<typeof run>>;
      if (endpoint.method === 'GET' || endpoint.readOnly) result = await run();
      else {
        const note: AuditNote = {};
        request.auditNote = note;
        result = await runWithAuditNote(note, run);
      }
      reply.code(endpoint.successStatus);
      return endpoint.successStatus === 204 ? reply.send(undefined) : result;
    },
  });
}

/**
 * An endpoint that writes its own response (a stream: Server-Sent Events, a download). The
 * request is still validated by the contract's schemas and the operation is in OpenAPI.
 */
export function registerStreamingEndpoint<E extends Endpoint>(
  app: FastifyInstance,
  endpoint: E,
  handler: (request: EndpointRequest<E>, reply: FastifyReply) => Promise<unknown>,
): void {
  app.route({
    ...routeOf(endpoint),
    schema: { ...routeOf(endpoint).schema, response: errorResponses(endpoint) },
    handler: async (request, reply) => handler(request as unknown as EndpointRequest<E>, reply),
  });
}

import { type Endpoint, type EndpointResponse, ErrorBodySchema } from '@slipway/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AuditNote, runWithAuditNote } from './audit-note.ts';
import { BadRequestError } from './errors.ts';

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

/** The message of a string that holds U+0000 (PostgreSQL's text and jsonb cannot store it). */
export const NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';

/**
 * Parsed JSON, query and path parameter objects (the router's and the query parser's have a
 * prototype-less prototype of their own); not a raw Buffer body (a webhook delivery's).
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !ArrayBuffer.isView(value);
}

/** The fields (`body.stages[0].name`) of every string in `value` that holds a NUL character. */
function fieldsWithNul(value: unknown, at: string, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(at);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      fieldsWithNul(item, `${at}[${index}]`, found);
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      // A key is a field too (a ConfigMap's data, a run's parameters): named by itself.
      if (key.includes('\u0000')) found.push(`${at}.${JSON.stringify(key)}`);
      fieldsWithNul(item, `${at}.${key}`, found);
    }
  }
  return found;
}

/**
 * Refuses a NUL character anywhere in the path parameters, query or body, naming each field,
 * before the schemas run: PostgreSQL refuses U+0000 in text and jsonb ("invalid byte sequence
 * for encoding UTF8: 0x00"), so such a value would otherwise fail at the first write or
 * lookup with a 500, or — encrypted or hashed first — be stored where no other client can
 * read it back. `buildApp` adds it as a preValidation hook of every route (contract routes
 * and the plain ones: OIDC redirects, job files, webhook deliveries).
 */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const fields = [
    ...fieldsWithNul(request.params, 'path'),
    ...fieldsWithNul(request.query, 'query'),
    ...fieldsWithNul(request.body, 'body'),
  ];
  if (fields.length === 0) return;
  throw new BadRequestError(
    `invalid request: ${fields.map((field) => `${field}: ${NUL_MESSAGE}`).join('; ')}`,
    fields.map((field) => ({ field, message: NUL_MESSAGE })),
  );
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

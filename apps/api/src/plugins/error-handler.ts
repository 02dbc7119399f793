import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '@slipway/contracts';
import { isDatabaseUnavailable } from '@slipway/db';
import { KubeError } from '@slipway/kube';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, TooManyRequestsError } from '../lib/errors.ts';
import { SECURITY_HEADERS, securityHeaderLines } from './security-headers.ts';

type Detail = NonNullable<ErrorBody['details']>[number];

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** Turns the type provider's validation errors into `{ field, message }` pairs. */
function validationDetails(error: FastifyError & { validation: unknown[] }): Detail[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [{ message: error.message }];
  const context = CONTEXT_NAMES[error.validationContext ?? 'body'] ?? 'body';
  const details = error.validation.flatMap((issue): Detail[] => {
    const at = issue.instancePath
      .split('/')
      .filter(Boolean)
      .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
      .join('');
    const keys = (issue.params as { keys?: unknown }).keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((key) => ({ field: `${context}${at}.${String(key)}`, message: 'unknown field' }));
    }
    // A record's key that breaks its rule: zod says only "Invalid key in record" and keeps
    // the rule's own message (a ConfigMap key's, a manifest path's) in the nested issues.
    const keyIssues = (issue.params as { issues?: Array<{ message?: unknown }> }).issues;
    const message =
      issue.keyword === 'invalid_type' && /received undefined/.test(issue.message ?? '')
        ? 'is required'
        : issue.keyword === 'invalid_key' && Array.isArray(keyIssues) && keyIssues.length > 0
          ? keyIssues.map((nested) => String(nested.message)).join('; ')
          : (issue.message ?? 'is invalid');
    return [{ field: `${context}${at}`, message }];
  });
  // One value can break several rules with the same message (a slug both too long and malformed).
  const seen = new Set<string>();
  return details.filter((detail) => {
    const key = `${detail.field}\u0000${detail.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function body(
  request: FastifyRequest,
  statusCode: number,
  message: string,
  details?: Detail[],
  extra?: Record<string, unknown>,
): ErrorBody {
  return {
    ...extra,
    requestId: request.id,
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(details && details.length > 0 ? { details } : {}),
  };
}

/** find-my-way's `maxParamLength`, Fastify's default: the longest path parameter routed. */
const MAX_PARAM_LENGTH = 100;

/** What a URL that the router refuses before any route runs gets told, by Fastify error code. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  // find-my-way's maxParamLength (100): longer than any name or id of the API.
  FST_ERR_MAX_PARAM_LENGTH: `a path segment is longer than ${MAX_PARAM_LENGTH} characters`,
  FST_ERR_BAD_URL: 'the URL path is not valid percent-encoded UTF-8',
};

/**
 * Fastify's `frameworkErrors` option: errors of the router, raised before any route or hook
 * runs — a path parameter over `maxParamLength` (414 URI Too Long) and a path that does not
 * decode (400) — answered in the one error shape, naming the path, instead of Fastify's own
 * body (which has no requestId).
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const statusCode = error.statusCode ?? 500;
  // No hook has run: the headers every other answer has are set here.
  reply.headers(SECURITY_HEADERS);
  reply.header('x-request-id', request.id);
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
    reply.code(500).send(body(request, 500, 'internal error'));
    return;
  }
  const message = FRAMEWORK_MESSAGES[error.code] ?? error.message;
  reply.code(statusCode).send(body(request, statusCode, message, [{ field: 'path', message }]));
}

/** What a request the HTTP parser refuses gets told, by its Node.js / llhttp error code. */
function clientErrorOf(code: string): { statusCode: number; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      statusCode: 431,
      message: `the request line and headers are larger than ${maxHeaderSize} bytes`,
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { statusCode: 408, message: 'the request was not received in time' };
  return { statusCode: 400, message: 'malformed HTTP request' };
}

/**
 * Fastify's `clientErrorHandler` option: a request Node's HTTP parser refuses before Fastify
 * sees it (headers or URL over `http.maxHeaderSize`: 431; a request that is not HTTP: 400; too
 * slow: 408) gets the one error shape too, with a fresh requestId (there is no request to take
 * one from), then the connection is closed as Node's own handler does.
 */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { statusCode, message } = clientErrorOf(error.code);
  const requestId = randomUUID();
  this.log.debug({ err: error, requestId }, 'client error');
  if (socket.writable) {
    const payload = JSON.stringify({ requestId, statusCode, error: STATUS_CODES[statusCode], message });
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` +
        `X-Request-Id: ${requestId}\r\n${securityHeaderLines()}Connection: close\r\n\r\n${payload}`,
    );
  }
  socket.destroy(error);
}

/** The one place errors become HTTP responses: `{ requestId, statusCode, error, message, details? }`. */
export function registerErrorHandler(
  app: FastifyInstance,
  options: {
    /** Gets first go at unknown routes (the console's client-side routes); returns true when it answered. */
    notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
  } = {},
): void {
  app.setErrorHandler((error: FastifyError, request, reply: FastifyReply) => {
    // A download that failed before its first byte (a CSV export's query) had set its own
    // content type: the error body is JSON all the same (else Fastify cannot serialize it).
    reply.type('application/json; charset=utf-8');
    if (error instanceof KubeError) {
      if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, 'cluster request failed');
      return reply.code(error.statusCode).send(body(request, error.statusCode, error.message, error.details));
    }
    if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof AppError) {
      return reply
        .code(error.statusCode)
        .send(body(request, error.statusCode, error.message, error.details, error.extra));
    }
    if (error.validation) {
      const details = validationDetails(error as FastifyError & { validation: unknown[] });
      const summary = details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; ');
      return reply.code(400).send(body(request, 400, `invalid request: ${summary}`, details));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send(body(request, 500, 'internal error'));
    }
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 400 && statusCode < 500) {
      const message =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? `malformed JSON body: ${error.message}`
          : error.message;
      return reply.code(statusCode).send(body(request, statusCode, message));
    }
    if (isDatabaseUnavailable(error)) {
      // PostgreSQL is restarting or unreachable: the request was not carried out; the pool
      // reconnects by itself, so the client may simply try again (faults tier, #17).
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.code(503).send(body(request, 503, 'the database is unavailable; try again shortly'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body(request, 500, 'internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.notFoundFallback?.(request, reply)) return;
    // With the console served, its catch-all GET route takes an API path whose parameter the
    // router refused as too long: answer it as the router does without the console (414).
    const pathname = request.url.split('?')[0] ?? '';
    if (
      pathname.startsWith('/api/') &&
      pathname.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)
    ) {
      const message = FRAMEWORK_MESSAGES.FST_ERR_MAX_PARAM_LENGTH ?? '';
      reply.code(414).send(body(request, 414, message, [{ field: 'path', message }]));
      return;
    }
    reply
      .code(404)
      .send(body(request, 404, `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`));
  });
}

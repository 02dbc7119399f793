import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from './errors.ts';

/**
 * How deep a JSON request body may nest. The API's deepest body (an environment's freeze
 * windows) nests 4 levels; a body of thousands of levels passes the size limit easily and
 * would otherwise reach validation, PostgreSQL's jsonb (`stack depth limit exceeded`) and
 * the response serializer (`Maximum call stack size exceeded`) as a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in a JSON text (strings skipped); stops past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * Replaces Fastify's JSON body parser with one that also refuses, as a 400 naming `body`,
 * bytes that are not UTF-8 (RFC 8259 §8.1: JSON exchanged between systems must be UTF-8;
 * Node's decoder would silently turn them into U+FFFD and store the damage) and nesting
 * deeper than {@link MAX_JSON_DEPTH}. Everything else — empty bodies, syntax errors,
 * `__proto__` keys — is left to Fastify's own parser (secure-json-parse), so its errors
 * keep their status and messages. Routes with a parser of their own (webhook deliveries,
 * job files) keep it.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(
        new BadRequestError('invalid request: body: is not valid UTF-8', [
          { field: 'body', message: 'is not valid UTF-8' },
        ]),
      );
      return;
    }
    const text = bytes.toString('utf8');
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      const message = `nests deeper than ${MAX_JSON_DEPTH} levels`;
      done(new BadRequestError(`invalid request: body: ${message}`, [{ field: 'body', message }]));
      return;
    }
    parseJson(request, text, done);
  });
}

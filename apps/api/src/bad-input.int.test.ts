// Bad input everywhere (issue #17): every operation of the OpenAPI document gets bodies at
// the size limit and one byte over, deeply nested JSON, invalid UTF-8, NUL bytes in every
// string field, and hostile path and query parameters. Each must be answered with a 4xx in
// the one error shape, naming the field where there is one, and store nothing.

import { Readable } from 'node:stream';
import { ErrorBodySchema } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fieldName,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  replacedAt,
  sampleOf,
  stringLeaves,
  urlOf,
} from '../test/bad-input/operations.ts';
import { closeRawConnections, rawExchange, rawRequest } from '../test/bad-input/raw-http.ts';
import { storedRows } from '../test/bad-input/stored-rows.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  testAppConfig,
} from '../test/helper.ts';
import { buildApp } from './app.ts';

const BODY_LIMIT = 64 * 1024;
const DEPTH = 10_000;

/** Valid values of the seeded objects, by path parameter name. */
const SEEDED: Record<string, string> = {
  workspace: 'ws',
  project: 'proj',
  environment: 'dev',
  pipeline: 'build',
  number: '1',
  username: 'admin',
};

/** Path parameter values that must never reach a handler as if they were names. */
function hostilePathValues(valid: string): Record<string, string> {
  return {
    'encoded slash': 'a%2Fb',
    'dot-dot': '..',
    'encoded dot-dot': '%2e%2e',
    'NUL byte': 'a%00b',
    'fullwidth letters': encodeURIComponent(
      valid.replace(/[a-z0-9]/g, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)),
    ),
    'Cyrillic look-alike': encodeURIComponent(`${valid}\u0430`),
    'malformed percent-encoding': 'a%E0%A4%A',
    'over 100 characters': 'a'.repeat(101),
  };
}

/** What the hostile value of each kind must get: a 4xx, and for some a status and a field. */
const EXPECTED_FOR: Record<string, (name: string) => Expected> = {
  'NUL byte': (name) => ({ status: 400, field: `path.${name}`, message: /NUL/ }),
  'malformed percent-encoding': () => ({ status: 400, field: 'path' }),
  'over 100 characters': () => ({ status: 414, field: 'path' }),
};

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

interface Expected {
  status?: number;
  field?: string;
  message?: RegExp;
}

/** The headers helmet gives every answer (see `app.int.test.ts` for a routed one). */
function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['strict-transport-security']).toMatch(/max-age=/);
}

describe.skipIf(postgresSkipReason())('bad input on every operation', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let operations: Operation[];
  let doc: OpenApiDocument;
  let digest: () => Promise<Record<string, string>>;
  let port: number;

  beforeAll(async () => {
    t = await buildTestApp({ bodyLimitBytes: BODY_LIMIT });
    admin = await signIn(t.app);
    await seedWorkspace(admin, SEEDED.workspace ?? '', SEEDED.project, SEEDED.environment);
    const pipeline = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/ws/projects/proj/pipelines',
      payload: {
        name: 'build',
        spec: 'stages:\n  - name: b\n    jobs:\n      - name: j\n        image: alpine:3.22\n        steps:\n          - run: echo\n',
      },
    });
    expect(pipeline.statusCode, pipeline.body).toBe(201);
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
    // Signing out would end the session the walk uses: it takes no input anyway.
    operations = operationsOf(doc).filter((op) => op.operationId !== 'logout');
    digest = await storedRows(t.db.prisma);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    closeRawConnections();
    await t?.close();
  });

  /** What is wrong with the answers of the running test, one line each: it passes when empty. */
  let problems: string[] = [];
  beforeEach(() => {
    problems = [];
  });

  /**
   * Sends one request and notes what is wrong with the answer: not a 4xx in the error shape,
   * a requestId other than the response's, or `expected.field` not named.
   */
  async function expectRefused(
    label: string,
    op: Operation,
    send: () => Promise<Answer>,
    expected: Expected = {},
  ) {
    const response = await send();
    const say = (what: string) =>
      problems.push(`${label}: ${what} — ${response.statusCode} ${response.body.slice(0, 300)}`);
    // An operation with a credential of its own (a job token) refuses the admin's session first.
    const unauthenticated = !op.session && response.statusCode === 401;
    if (response.statusCode < 400 || response.statusCode >= 500) say('not a 4xx');
    else if (expected.status && response.statusCode !== expected.status && !unauthenticated)
      say(`not a ${expected.status}`);
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      say('not JSON');
    }
    const shape = ErrorBodySchema.strict().safeParse(body);
    if (!shape.success) say('not the error shape');
    else {
      if (shape.data.requestId !== response.headers['x-request-id']) say("requestId is not the response's");
      if (shape.data.statusCode !== response.statusCode) say('statusCode differs from the status');
      const named = shape.data.details?.some(
        (d) => d.field === expected.field && (!expected.message || expected.message.test(d.message)),
      );
      if (expected.field && !named && !unauthenticated)
        say(`does not name ${expected.field} ${expected.message ?? ''}`);
    }
  }

  /** Runs refused requests to `op` and notes any stored row they changed (GETs store nothing). */
  async function storingNothing(op: Operation, label: string, requests: () => Promise<void>) {
    if (op.method === 'GET') return requests();
    const before = await digest();
    await requests();
    const after = await digest();
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    if (changed.length > 0) problems.push(`${label}: stored rows in ${changed.join(', ')}`);
  }

  const paramValues = (op: Operation) =>
    Object.fromEntries(op.pathParams.map((p) => [p.name, SEEDED[p.name] ?? String(sampleOf(p.schema, doc))]));
  const validUrl = (op: Operation) => urlOf(op, paramValues(op));
  /** A JSON text sent as is to the operation, signed in as the admin. */
  const sendText = (op: Operation, payload: string | Buffer) => () =>
    admin.request({
      method: op.method as 'POST',
      url: validUrl(op),
      payload,
      headers: { 'content-type': 'application/json' },
    });
  const withBody = () => operations.filter((op) => op.body);

  it('walks operations from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(withBody().length).toBeGreaterThan(30);
  });

  it('refuses NUL bytes in every string field of a body, naming the field', async () => {
    for (const op of withBody()) {
      const sample = sampleOf(op.body ?? {}, doc);
      await storingNothing(op, `${op.operationId} NUL bytes`, async () => {
        for (const path of stringLeaves(sample)) {
          const payload = JSON.stringify(replacedAt(sample, path, (old) => `${String(old)}\u0000`));
          const field = fieldName('body', path);
          await expectRefused(`${op.operationId} ${field}`, op, sendText(op, payload), {
            status: 400,
            field,
            message: /NUL/,
          });
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('takes a body at the size limit to validation and refuses one byte over with 413', async () => {
    for (const op of withBody()) {
      const sample = sampleOf(op.body ?? {}, doc) as object;
      const base = JSON.stringify({ ...sample, padding: '' });
      const atLimit = JSON.stringify({
        ...sample,
        padding: 'x'.repeat(BODY_LIMIT - Buffer.byteLength(base)),
      });
      expect(Buffer.byteLength(atLimit)).toBe(BODY_LIMIT);
      await storingNothing(op, `${op.operationId} size limit`, async () => {
        // At the limit the body is read and validated: `padding` is no field of any operation.
        await expectRefused(`${op.operationId} at the limit`, op, sendText(op, atLimit), {
          status: 400,
          field: 'body.padding',
        });
        await expectRefused(`${op.operationId} one byte over`, op, sendText(op, `${atLimit} `), {
          status: 413,
        });
      });
    }
    expect(problems).toEqual([]);
  });

  it('refuses deeply nested JSON in every field and invalid UTF-8, naming the body', async () => {
    const deep = {
      array: `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`,
      object: `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`,
    };
    const tooDeep = { status: 400, field: 'body', message: /nests deeper than/ };
    const notUtf8 = { status: 400, field: 'body', message: /UTF-8/ };
    for (const op of withBody()) {
      const sample = sampleOf(op.body ?? {}, doc) as Record<string, unknown>;
      await storingNothing(op, `${op.operationId} deep or not UTF-8`, async () => {
        for (const [kind, text] of Object.entries(deep)) {
          await expectRefused(`${op.operationId} a deep ${kind}`, op, sendText(op, text), tooDeep);
          for (const field of Object.keys(sample)) {
            const payload = JSON.stringify({ ...sample, [field]: '\u0001DEEP' }).replace(
              '"\\u0001DEEP"',
              text,
            );
            await expectRefused(
              `${op.operationId} ${field} a deep ${kind}`,
              op,
              sendText(op, payload),
              tooDeep,
            );
          }
        }
        for (const path of stringLeaves(sample).slice(0, 3)) {
          const [before = '', after = ''] = JSON.stringify(
            replacedAt(sample, path, () => '\u0001MARK'),
          ).split('\\u0001MARK');
          const bytes = Buffer.concat([
            Buffer.from(before),
            Buffer.from([0x61, 0xff, 0xc3, 0x28]),
            Buffer.from(after),
          ]);
          await expectRefused(
            `${op.operationId} ${fieldName('body', path)} invalid UTF-8`,
            op,
            sendText(op, bytes),
            notUtf8,
          );
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('refuses hostile path parameters, sent byte for byte, and NUL bytes in query parameters', async () => {
    const session = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
    for (const op of operations) {
      await storingNothing(op, `${op.method} ${op.path} hostile parameters`, async () => {
        for (const param of op.pathParams) {
          const valid = paramValues(op)[param.name] ?? '';
          for (const [kind, value] of Object.entries(hostilePathValues(valid))) {
            const path = urlOf(op, { ...paramValues(op), [param.name]: value });
            await expectRefused(
              `${op.method} ${path} (${param.name}: ${kind})`,
              op,
              () => rawRequest(port, { method: op.method, path, headers: session }),
              EXPECTED_FOR[kind]?.(param.name),
            );
          }
        }
        for (const param of op.queryParams) {
          const url = `${validUrl(op)}?${param.name}=a%00b`;
          await expectRefused(
            `${op.method} ${url}`,
            op,
            () => admin.request({ method: op.method as 'GET', url }),
            {
              status: 400,
              field: `query.${param.name}`,
              message: /NUL/,
            },
          );
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('refuses pagination cursors it did not hand out, naming query.cursor, on every list', async () => {
    // Found by the long fuzz run: a runs cursor past 2^31 − 1 reached the database (500). The
    // encoded ones carry the same kinds: numbers past integer/bigint, row ids that are no UUID,
    // times PostgreSQL cannot hold.
    const encoded = (after: string) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cursors = [
      '2147483648',
      '9999999999',
      '1e30',
      '999999999999999999999999999999',
      '-1',
      encoded('2147483648'),
      encoded('99999999999999999999'),
      encoded('9223372036854775808'),
      encoded('2026-01-01T00:00:00.000Z|not-a-uuid'),
      encoded(`-100000-01-01T00:00:00.000Z|${uuid}`),
      encoded(`2026-01-01T00:00:00.000Z|${uuid}|more`),
    ];
    const lists = operations.filter((op) => op.queryParams.some((param) => param.name === 'cursor'));
    expect(lists.map((op) => op.operationId)).toContain('listRuns');
    for (const op of lists) {
      for (const cursor of cursors) {
        const url = `${validUrl(op)}?cursor=${encodeURIComponent(cursor)}`;
        const response = await admin.request({ method: 'GET', url });
        // Lists keyed by a name take any text after which to start (200); the runs list is
        // keyed by number, so each of these is refused. A list whose parent the walk does not
        // seed answers 404 before reading the cursor. Never a 5xx.
        const mustRefuse = op.operationId === 'listRuns';
        if (!mustRefuse && (response.statusCode < 400 || response.statusCode === 404)) continue;
        await expectRefused(`GET ${url}`, op, async () => response, { status: 400, field: 'query.cursor' });
      }
    }
    expect(problems).toEqual([]);
  });

  it('records a refused write carrying NUL bytes in the audit trail', async () => {
    const refusal = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/ws/projects',
      payload: { slug: 'nul\u0000', name: 'with\u0000nul' },
    });
    expect(refusal.statusCode).toBe(400);
    const events = await admin.request({ method: 'GET', url: '/api/v1/audit-events?action=createProject' });
    const event = (
      events.json() as { items: { requestId: string; objectName: string; outcome: string }[] }
    ).items.find((item) => item.requestId === refusal.headers['x-request-id']);
    expect(event).toMatchObject({ outcome: 'failed', objectName: 'ws/nul\uFFFD' });
  });

  it('answers a download that fails before its first byte in the error shape', async () => {
    // The CSV export set text/csv, then its first page's query failed: the error body could
    // not be serialized as CSV and Fastify answered its own FST_ERR_FAILED_ERROR_SERIALIZATION.
    const built = await buildApp({ db: t.db, config: testAppConfig() });
    built.app.get('/api/v1/failing-download', async (_request, reply) =>
      reply.type('text/csv; charset=utf-8').send(
        Readable.from(
          (async function* () {
            yield* [];
            throw new Error('the first page could not be read');
          })(),
        ),
      ),
    );
    try {
      const response = await built.app.inject({ method: 'GET', url: '/api/v1/failing-download' });
      expect(response.statusCode).toBe(500);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(ErrorBodySchema.strict().parse(response.json())).toMatchObject({
        requestId: response.headers['x-request-id'],
        message: 'internal error',
      });
    } finally {
      await built.app.close();
    }
  });

  it('puts the security headers of every other answer on the router’s 414 and malformed-URL 400 too', async () => {
    for (const [path, status] of [
      [`/api/v1/workspaces/${'a'.repeat(101)}`, 414],
      ['/api/v1/workspaces/a%E0%A4%A', 400],
    ] as const) {
      const response = await rawRequest(port, { method: 'GET', path });
      expect(response.statusCode).toBe(status);
      expect(ErrorBodySchema.strict().parse(JSON.parse(response.body))).toMatchObject({ statusCode: status });
      expectSecurityHeaders(response.headers);
    }
  });

  it('answers a URL or headers over the server limit (431) in the error shape', async () => {
    for (const head of [
      `GET /api/v1/workspaces?cursor=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost`,
      `GET /api/v1/workspaces HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}`,
    ]) {
      const response = await rawExchange(port, head);
      expect(response.statusCode).toBe(431);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expectSecurityHeaders(response.headers);
      expect(ErrorBodySchema.strict().parse(JSON.parse(response.body))).toEqual({
        requestId: response.headers['x-request-id'],
        statusCode: 431,
        error: 'Request Header Fields Too Large',
        message: expect.stringMatching(/larger than \d+ bytes/),
      });
    }
  });
});

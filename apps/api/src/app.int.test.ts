import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { authEndpoints, projectEndpoints, workspaceEndpoints } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  buildTestApp,
  type SignedInClient,
  signIn,
  type TestApp,
  testAppConfig,
} from '../test/helper.ts';

const ERROR_SHAPE = {
  requestId: expect.any(String),
  statusCode: expect.any(Number),
  error: expect.any(String),
  message: expect.any(String),
};

describe.skipIf(postgresSkipReason())('the application shell', () => {
  let t: TestApp;
  let client: SignedInClient;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-console-'));
    await mkdir(path.join(consoleDir, 'assets'));
    await writeFile(path.join(consoleDir, 'index.html'), '<!doctype html><div id="root">console</div>');
    await writeFile(path.join(consoleDir, 'assets', 'app-1234.js'), 'console.log("app")');
    t = await buildTestApp({ consoleDir });
    client = await signIn(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('puts a request id on every response, echoing a well-formed incoming one', async () => {
    const own = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(own.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'x-request-id': 'proxy-req-123456' },
    });
    expect(echoed.headers['x-request-id']).toBe('proxy-req-123456');
    expect(echoed.json().requestId).toBe('proxy-req-123456');
    const hostile = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': '<script>' },
    });
    expect(hostile.headers['x-request-id']).not.toBe('<script>');
  });

  it('answers malformed JSON, oversized bodies and unknown routes in the one error shape', async () => {
    const malformed = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { 'content-type': 'application/json' },
      payload: '{"slug": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      ...ERROR_SHAPE,
      message: expect.stringMatching(/malformed JSON/),
    });

    const huge = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { slug: 'big', name: 'x'.repeat(100 * 1024) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ ...ERROR_SHAPE, statusCode: 413, error: 'Payload Too Large' });

    for (const url of ['/api/v1/nothing-here', '/api/elsewhere']) {
      const unknown = await client.request({ method: 'GET', url });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/application\/json/);
      expect(unknown.json()).toMatchObject({ ...ERROR_SHAPE, statusCode: 404 });
    }
    const unknownMethod = await client.request({ method: 'PUT', url: '/api/v1/workspaces' });
    expect(unknownMethod.statusCode).toBe(404);
  });

  it('hides internals of unexpected failures behind a generic 500', async () => {
    const { buildApp } = await import('./app.ts');
    const broken = await buildApp({
      db: {
        ...t.db,
        checkReady: () => Promise.reject(new Error('down')),
      },
      config: testAppConfig({ trustProxy: false, bodyLimitBytes: 1024 }),
    });
    broken.app.get('/api/v1/explode', async () => {
      throw new Error('password=hunter2 at /srv/secret/path');
    });
    const response = await broken.app.inject({ method: 'GET', url: '/api/v1/explode' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ ...ERROR_SHAPE, message: 'internal error' });
    expect(response.body).not.toMatch(/hunter2|secret/);
    const notReady = await broken.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'unavailable', reason: 'down' });
    await broken.app.close();
  });

  it('keeps passwords, cookies and CSRF tokens out of the logs', async () => {
    const { Writable } = await import('node:stream');
    const { default: pino } = await import('pino');
    const { buildApp, REDACTED_LOG_PATHS } = await import('./app.ts');
    let logged = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = pino(
      { level: 'trace', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
      sink,
    );
    const logging = await buildApp({
      db: t.db,
      logger,
      config: testAppConfig({ trustProxy: false, bodyLimitBytes: 4096 }),
    });
    const login = await logging.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = login.headers['set-cookie']?.toString().split(';')[0] ?? '';
    const { csrfToken } = login.json() as { csrfToken: string };
    await logging.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie, 'x-csrf-token': csrfToken, authorization: 'Bearer secret-token-value' },
      payload: { slug: 'logged', name: 'Logged' },
    });
    await logging.app.close();
    expect(logged).toContain('"url":"/api/v1/workspaces"');
    // One line per request, with its outcome: not Fastify's two.
    expect(logged).not.toContain('incoming request');
    expect(logged.match(/"msg":"request completed"/g)).toHaveLength(2);
    expect(logged).toMatch(/"url":"\/api\/v1\/workspaces"[^\n]*"res":\{"statusCode":401\}/);
    for (const secret of [ADMIN_PASSWORD, cookie.split('=')[1], csrfToken, 'secret-token-value']) {
      expect(secret && logged.includes(secret), `leaked ${secret}`).toBe(false);
    }
  });

  it('sends security headers and no CORS unless configured', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document listing every contract operation, and the docs UI', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((methods) => Object.values(methods))
      .map((operation) => operation.operationId);
    const contract = [authEndpoints, workspaceEndpoints, projectEndpoints].flatMap((group) =>
      Object.values(group).map((endpoint) => endpoint.operationId),
    );
    expect(operations).toEqual(expect.arrayContaining([...contract, 'getLiveness', 'getReadiness']));
    const create = doc.paths['/api/v1/workspaces'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['slug', 'name']);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves the console, falling back to index.html for client-side routes but never under /api', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('console');
    const deepLink = await t.app.inject({ method: 'GET', url: '/workspaces/shop/projects/api' });
    expect(deepLink.statusCode).toBe(200);
    expect(deepLink.headers['content-type']).toMatch(/text\/html/);
    expect(deepLink.headers['cache-control']).toBe('no-cache');
    const asset = await t.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    const missingAsset = await t.app.inject({ method: 'GET', url: '/assets/missing.js' });
    expect(missingAsset.statusCode).toBe(404);
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/unknown' });
    expect(api.headers['content-type']).toMatch(/application\/json/);
    // A path parameter over the router's limit is a 414 for every method, the console's
    // catch-all GET route notwithstanding (it answered 404 echoing the path).
    for (const method of ['GET', 'HEAD', 'DELETE'] as const) {
      const long = await t.app.inject({ method, url: `/api/v1/workspaces/${'a'.repeat(101)}` });
      expect(long.statusCode, `${method}: ${long.body}`).toBe(414);
      if (method !== 'HEAD')
        expect(long.json().details).toEqual([expect.objectContaining({ field: 'path' })]);
    }
  });
});

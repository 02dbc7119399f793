import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../console/build/precompress.ts';
import { buildTestApp, type SignedInClient, seedWorkspace, signIn, type TestApp } from '../test/helper.ts';

/** A console build as Vite lays it out, with a script big enough to be worth compressing. */
async function consoleBuild(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-console-compressed-'));
  await mkdir(path.join(dir, 'assets'));
  const script = Array.from({ length: 4000 }, (_, i) => `export const value${i} = "item ${i}";`).join('\n');
  await writeFile(path.join(dir, 'assets', 'index-Ab12Cd.js'), script);
  await writeFile(path.join(dir, 'assets', 'index-Ab12Cd.js.map'), '{"version":3,"sources":["secret.ts"]}');
  await writeFile(
    path.join(dir, 'index.html'),
    `<!doctype html><html><head><script type="module" crossorigin src="/assets/index-Ab12Cd.js"></script></head><body><div id="root"></div>${'<!-- padding -->'.repeat(100)}</body></html>`,
  );
  await precompressDir(dir);
  return dir;
}

function decoded(encoding: string | undefined, body: Buffer): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  return body;
}

describe.skipIf(postgresSkipReason())('compressed responses', () => {
  let t: TestApp;
  let client: SignedInClient;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await consoleBuild();
    t = await buildTestApp({ consoleDir });
    client = await signIn(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the scripts index.html loads pre-compressed by Accept-Encoding, with Vary', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'identity' } });
    const scripts = [...page.body.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts).toEqual(['/assets/index-Ab12Cd.js']);
    for (const url of scripts) {
      const original = await readFile(path.join(consoleDir, url));
      for (const [accept, expected] of [
        ['br, gzip, deflate', 'br'],
        ['gzip', 'gzip'],
        ['identity', undefined],
      ] as const) {
        const response = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': accept } });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-encoding'], accept).toBe(expected);
        expect(response.headers['content-type']).toMatch(/javascript/);
        expect(response.headers.vary?.toString().toLowerCase()).toContain('accept-encoding');
        expect(response.headers['cache-control']).toContain('immutable');
        // The copy built once is what goes out (not one compressed again on every request).
        if (expected)
          expect(
            response.rawPayload.equals(
              await readFile(path.join(consoleDir, `${url}.${expected === 'br' ? 'br' : 'gz'}`)),
            ),
            accept,
          ).toBe(true);
        expect(decoded(expected, response.rawPayload).equals(original), accept).toBe(true);
      }
    }
  });

  it('never serves source maps or the compressed copies by name', async () => {
    for (const url of [
      '/assets/index-Ab12Cd.js.map',
      '/assets/index-Ab12Cd.js.br',
      '/assets/index-Ab12Cd.js.gz',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('secret.ts');
    }
  });

  it('compresses API JSON above the threshold, and not below it', async () => {
    await seedWorkspace(client, 'zipped');
    for (let i = 0; i < 30; i++) {
      await client.request({
        method: 'POST',
        url: '/api/v1/workspaces/zipped/environments',
        payload: { name: `environment-${i}` },
      });
    }
    const url = '/api/v1/workspaces/zipped/environments';
    const plain = await client.request({ method: 'GET', url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    for (const encoding of ['br', 'gzip']) {
      const response = await client.request({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers.vary?.toString().toLowerCase()).toContain('accept-encoding');
      expect(JSON.parse(decoded(encoding, response.rawPayload).toString())).toEqual(plain.json());
    }
    const small = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });

  it('streams run events uncompressed and unbuffered, whatever the client accepts', async () => {
    await seedWorkspace(client, 'streams', 'app');
    await client.request({
      method: 'POST',
      url: '/api/v1/workspaces/streams/environments',
      payload: { name: 'dev' },
    });
    const pipelines = '/api/v1/workspaces/streams/projects/app/pipelines';
    const spec =
      'stages:\n  - name: test\n    jobs:\n      - name: unit\n        image: alpine:3.22\n        steps:\n          - run: echo hi\n';
    const saved = await client.request({ method: 'POST', url: pipelines, payload: { name: 'ci', spec } });
    expect(saved.statusCode, saved.body).toBe(201);
    const created = await client.request({
      method: 'POST',
      url: `${pipelines}/ci/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(created.statusCode, created.body).toBe(201);
    // The engine is not started, so the run stays queued and the stream stays open: the
    // first frame must reach the client now, not when a compressor's buffer fills.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${address}${pipelines}/ci/runs/1/events`;
    const aborter = new AbortController();
    const response = await fetch(url, {
      headers: { cookie: client.cookie, 'accept-encoding': 'br, gzip' },
      signal: aborter.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(response.headers.get('content-encoding')).toBeNull();
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('retry: 2000');
    aborter.abort();
    expect((t.app.server.address() as AddressInfo).port).toBeGreaterThan(0);
  });

  it('still downloads a whole step log, compressed or not, byte for byte', async () => {
    const runs = '/api/v1/workspaces/streams/projects/app/pipelines/ci/runs';
    t.engine.start();
    const url = `${runs}/1/jobs/unit/steps/step-1/log`;
    // Wait for the log to be archived whole (the run has ended and nothing more comes).
    const deadline = Date.now() + 30_000;
    while (!((await client.request({ method: 'GET', url })).json() as { complete?: boolean }).complete) {
      if (Date.now() > deadline) throw new Error('the step log was not archived in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const download = (encoding: string) =>
      client.request({
        method: 'GET',
        url,
        query: { download: 'true' },
        headers: { 'accept-encoding': encoding },
      });
    const plain = await download('identity');
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.body).toContain('hi');
    expect(plain.headers['content-disposition']).toMatch(/^attachment;/);
    for (const encoding of ['br', 'gzip']) {
      const response = await download(encoding);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe(plain.headers['content-disposition']);
      const encoded = response.headers['content-encoding'];
      expect([undefined, encoding]).toContain(encoded);
      expect(decoded(encoded as string | undefined, response.rawPayload).equals(plain.rawPayload)).toBe(true);
    }
  });
});

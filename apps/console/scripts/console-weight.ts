// Benchmark: the JavaScript each main console route transfers, compressed as served (issue
// #12). Serves the built console (apps/console/dist, with the .br/.gz copies the build writes)
// from the real API server process — @fastify/static with `preCompressed`, exactly as
// production does — on its embedded database with the demo seeded (as `./run start`), then loads each route in
// headless Chromium with an empty cache and sums the encoded body sizes of the scripts it
// fetched, and of the web workers it started, until the page shows its content and the
// network is idle.
// Goal: sign-in and the workspace list ≤ 250 kB (1 kB = 1000 bytes) each; the other routes,
// the pipeline editor's among them, are reported.
// Usage: ./run bench:console   (builds the console first)
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { MAIN_PAGES, type MainPage } from '../e2e/pages.ts';
import { paths } from '../src/app/paths.ts';
import { serveConsole } from './console-server.ts';

/** The goal's bound for the first routes a person meets, in kB (1000 bytes). */
const LIMIT_KB = 250;
const LIMITED = new Set(['sign-in', 'workspaces']);
/** The longest a route's last scripts or its web worker are waited for, ms. */
const SETTLE_LIMIT_MS = 20_000;

const SIGN_IN: MainPage = {
  name: 'sign-in',
  path: paths.signIn(),
  ready: (page) => page.getByRole('form', { name: 'Sign in' }).waitFor(),
};

/**
 * What one route's first load fetched: the page's scripts as sent (encoded body bytes, from
 * Chromium's network events) and as built (decoded: the files' sizes in dist/), and the web
 * workers it started (Monaco's), whose requests the page's network events do not show:
 * counted at the size the server sends them, the brotli copy beside the file when there is
 * one (what @fastify/static `preCompressed` picks for Chromium), else the file.
 */
interface RouteWeight {
  route: string;
  scripts: number;
  scriptBytes: number;
  scriptDecodedBytes: number;
  workers: number;
  workerBytes: number;
  allBytes: number;
  encodings: Set<string>;
}

const CONSOLE_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

/** The built file behind a console URL and its size (bytes), with its `.br` copy's if any. */
async function builtSizes(url: string): Promise<{ decoded: number; served: number }> {
  const file = path.join(CONSOLE_DIR, decodeURIComponent(new URL(url).pathname));
  const decoded = (await stat(file)).size;
  const brotli = await stat(`${file}.br`).catch(() => undefined);
  return { decoded, served: brotli?.size ?? decoded };
}

/**
 * Prints one figure in the shape of apps/api/bench/harness.ts's reportFigure (a line for
 * people, then `FIGURE {json}` for `./run bench`'s table); `limit` in the same unit.
 */
function reportFigure(figure: { figure: string; value: number; unit: string; goal: string; limit?: number }) {
  const ratio = figure.limit === undefined ? undefined : figure.value / figure.limit;
  const met = ratio === undefined ? undefined : ratio <= 1;
  const verdict =
    ratio === undefined ? '' : `; ratio to limit ${ratio.toFixed(2)}, ${met ? 'met' : 'NOT met'}`;
  console.log(`${figure.figure}: ${figure.value.toFixed(2)} ${figure.unit} (goal ${figure.goal}${verdict})`);
  console.log(`FIGURE ${JSON.stringify({ ...figure, ratio, met })}`);
}

function isScript(url: string, contentType: string, resourceType: string): boolean {
  return resourceType === 'script' || /javascript/.test(contentType) || /\.m?js(?:\?|$)/.test(url);
}

/** Loads `route` in a fresh context (empty cache) and sums what it transferred. */
async function weigh(context: BrowserContext, route: MainPage): Promise<RouteWeight> {
  const weight: RouteWeight = {
    route: route.name,
    scripts: 0,
    scriptBytes: 0,
    scriptDecodedBytes: 0,
    workers: 0,
    workerBytes: 0,
    allBytes: 0,
    encodings: new Set(),
  };
  const pending: Promise<void>[] = [];
  // Requests that end while the context closes (API calls, event streams) are not weighed;
  // a failure before that is the run's.
  let closing = false;
  const track = (work: Promise<void>) =>
    pending.push(
      work.catch((error: unknown) => {
        if (!closing) throw error;
      }),
    );
  // Scripts asked for and not yet answered: the load is over when none is left once the page
  // shows its content (not network idle: pages following a run keep an event stream open).
  const inflight = new Set<Request>();
  let settle: (() => void) | undefined;
  const settled = () => {
    if (inflight.size === 0) settle?.();
  };
  // Chromium reports a worker script's request but never its end: workers are counted from
  // the page's `worker` events instead, and their requests are not waited for.
  const workerUrls = new Set<string>();
  context.on('request', (request) => {
    if (workerUrls.has(request.url())) return;
    if (isScript(request.url(), '', request.resourceType())) inflight.add(request);
  });
  context.on('requestfailed', (request) => {
    inflight.delete(request);
    settled();
  });
  context.on('requestfinished', (request) => {
    inflight.delete(request);
    settled();
    track(
      (async () => {
        const response = await request.response();
        if (!response) return;
        const { responseBodySize } = await request.sizes();
        weight.allBytes += responseBodySize;
        const headers = await response.allHeaders();
        if (!isScript(request.url(), headers['content-type'] ?? '', request.resourceType())) return;
        // Awaited before the sums: `x += await …` would read x before the wait and lose the
        // other requests' additions made meanwhile.
        const { decoded } = await builtSizes(request.url());
        weight.scripts += 1;
        weight.scriptBytes += responseBodySize;
        weight.scriptDecodedBytes += decoded;
        weight.encodings.add(headers['content-encoding'] ?? 'identity');
      })(),
    );
  });
  const page: Page = await context.newPage();
  let workersStarted = 0;
  page.on('worker', (worker) => {
    workersStarted += 1;
    workerUrls.add(worker.url());
    for (const request of inflight) if (request.url() === worker.url()) inflight.delete(request);
    settled();
    track(
      (async () => {
        const { served } = await builtSizes(worker.url());
        weight.workers += 1;
        weight.workerBytes += served;
      })(),
    );
  });
  console.error(`loading ${route.name} (${route.path})`);
  await page.goto(route.path);
  await route.ready(page);
  // Monaco starts its language worker once the editor has a model: wait for it.
  if (workersStarted === 0 && (await page.locator('.monaco-editor').count()) > 0) {
    await page.waitForEvent('worker', { timeout: SETTLE_LIMIT_MS }).catch(() => {
      console.error(`  ${route.name}: no web worker started within ${SETTLE_LIMIT_MS} ms`);
    });
  }
  if (inflight.size > 0) {
    // Bounded: a request Chromium never reports as finished must not stall the whole run;
    // what is left is named, and its bytes are not counted.
    const limit = setTimeout(() => settle?.(), SETTLE_LIMIT_MS);
    await new Promise<void>((resolve) => {
      settle = resolve;
    });
    clearTimeout(limit);
    for (const request of inflight) console.error(`  ${route.name}: still loading ${request.url()}`);
  }
  await Promise.all(pending);
  closing = true;
  await context.close();
  return weight;
}

const kB = (bytes: number) => bytes / 1000;

async function main(): Promise<void> {
  const served = await serveConsole();
  try {
    const { baseURL, browser, signedIn } = served;
    const weights: RouteWeight[] = [await weigh(await browser.newContext({ baseURL }), SIGN_IN)];
    for (const route of MAIN_PAGES) {
      weights.push(await weigh(await browser.newContext({ baseURL, storageState: signedIn }), route));
    }
    for (const weight of weights) {
      reportFigure({
        figure: `console JavaScript transferred, ${weight.route} (compressed, cold cache)`,
        value: kB(weight.scriptBytes + weight.workerBytes),
        unit: 'kB',
        goal: LIMITED.has(weight.route) ? `≤ ${LIMIT_KB} kB` : 'reported',
        ...(LIMITED.has(weight.route) ? { limit: LIMIT_KB } : {}),
      });
    }
    console.log(
      '\n| route | JS transferred (kB) | scripts | their kB as sent | their kB as built | workers | their kB as sent | everything sent (kB) | encoding |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const weight of weights) {
      const cells = [
        weight.route,
        kB(weight.scriptBytes + weight.workerBytes).toFixed(1),
        weight.scripts,
        kB(weight.scriptBytes).toFixed(1),
        kB(weight.scriptDecodedBytes).toFixed(1),
        weight.workers,
        kB(weight.workerBytes).toFixed(1),
        kB(weight.allBytes).toFixed(1),
        [...weight.encodings].join(', '),
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  } finally {
    await served.close();
  }
}

await main();

// Shared set-up of the browser tests: the real server on a fresh database, serving the
// built console, and a Chromium page per test (screenshot kept when a test fails).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  startServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { CHROMIUM_PATH, launchChromium, saveFailureScreenshot } from './browser.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
export const ADMIN_PASSWORD = 'browser-test-password';

/**
 * Limits that hold when the machine is busy (CI shares its cores): starting the server on
 * a fresh database, launching Chromium, and the longest a page action or wait may take.
 */
const SET_UP_TIMEOUT = 240_000;
const TEAR_DOWN_TIMEOUT = 120_000;
const PAGE_TIMEOUT = 60_000;

/** Why browser tests cannot run here; in CI any reason is a failure, not a skip. */
export function browserSkipReason(extra: (string | undefined)[] = []): string | undefined {
  const missing = [
    postgresSkipReason(),
    existsSync(CHROMIUM_PATH)
      ? undefined
      : `no Chromium at ${CHROMIUM_PATH} (run apps/console/e2e/ensure-chromium.sh)`,
    existsSync(`${CONSOLE_DIR}/index.html`) ? undefined : 'console not built (run ./run build)',
    ...extra,
  ].filter(Boolean);
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(`browser tests cannot run in CI: ${missing.join('; ')}`);
  }
  return missing.length > 0 ? missing.join('; ') : undefined;
}

export interface ConsoleFixture {
  readonly page: Page;
  readonly server: ServerProcess;
  /** The server's database (`postgres://…`), for tests that seed rows no endpoint writes. */
  readonly databaseUrl: string;
  signIn(page?: Page, username?: string, password?: string): Promise<void>;
  /** A second, separate browser session (its own cookies), closed after the test. */
  newPage(): Promise<Page>;
}

/**
 * Registers the hooks; call inside a describe block. `env` adds server settings, e.g.
 * `SLIPWAY_DEMO: 'true'` to seed the demo workspace (off by default with DATABASE_URL).
 */
export function useConsole(options: { env?: Record<string, string> } = {}): ConsoleFixture {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let extraPages: Page[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    server = startServerProcess({
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: database.url,
      SLIPWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SLIPWAY_CONSOLE_DIR: CONSOLE_DIR,
      SLIPWAY_DATA_DIR: fileURLToPath(new URL('../test-results/data/', import.meta.url)),
      SLIPWAY_LOG_LEVEL: 'warn',
      // Tests import projects from git repositories they create in a temporary directory.
      SLIPWAY_ALLOW_LOCAL_REPOS: 'true',
      // …and their webhook receivers listen on loopback.
      SLIPWAY_ALLOW_LOCAL_NETWORK: 'true',
      ...options.env,
    });
    await server.waitUntilReady(SET_UP_TIMEOUT - 30_000);
    browser = await launchChromium();
  }, SET_UP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  }, TEAR_DOWN_TIMEOUT);

  beforeEach(async () => {
    page = await browser.newPage({ baseURL: server.baseUrl });
    page.setDefaultTimeout(PAGE_TIMEOUT);
  }, TEAR_DOWN_TIMEOUT);

  // Screenshot before the page closes (onTestFailed would run after this hook).
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) {
      // Everything a failure on CI leaves to read: each page as it was, and what the server logged.
      for (const [index, failed] of [page, ...extraPages].entries()) {
        const name = index === 0 ? context.task.name : `${context.task.name} (page ${index + 1})`;
        const file = await saveFailureScreenshot(failed, name).catch((error: unknown) => String(error));
        console.error(`screenshot of the failure: ${file} (${failed.url()})`);
      }
      console.error(`server log, last lines:\n${server.output().slice(-4000)}`);
    }
    await page?.close();
    for (const extra of extraPages) await extra.context().close();
    extraPages = [];
  }, TEAR_DOWN_TIMEOUT);

  return {
    get page() {
      return page;
    },
    get server() {
      return server;
    },
    get databaseUrl() {
      return database.url;
    },
    async signIn(target = page, username = 'admin', password = ADMIN_PASSWORD) {
      await target.goto('/sign-in');
      await target.getByLabel('Username').fill(username);
      await target.getByLabel('Password').fill(password);
      await target.getByRole('button', { name: 'Sign in' }).click();
      await target.waitForURL(/\/workspaces$/);
    },
    async newPage() {
      const context = await browser.newContext({ baseURL: server.baseUrl });
      context.setDefaultTimeout(PAGE_TIMEOUT);
      const extra = await context.newPage();
      extraPages.push(extra);
      return extra;
    },
  };
}

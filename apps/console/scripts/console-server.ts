// The set-up the console scripts share (weight, screenshots): the built console served by
// the real API server process on its embedded database with the demo seeded (as
// `./run start`), headless Chromium, and the admin's signed-in cookies.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort, startServerProcess } from '@slipway/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { seedDemoExtras } from '../e2e/pages.ts';
import { paths } from '../src/app/paths.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const ADMIN_PASSWORD = 'console-scripts-password';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface ServedConsole {
  baseURL: string;
  browser: Browser;
  /** The admin's cookies: pass to `browser.newContext({ storageState })` for a signed-in page. */
  signedIn: StorageState;
  close(): Promise<void>;
}

/**
 * Starts the server on a fresh data directory, signs in as the admin and gives the demo
 * its widest rows (`seedDemoExtras`: run #1, a long role, a webhook). Fails when the
 * console is not built (`./run build`).
 */
export async function serveConsole(): Promise<ServedConsole> {
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
    throw new Error(`no console build in ${CONSOLE_DIR}: run ./run build first`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-console-'));
  const server = startServerProcess({
    PORT: String(await freeLoopbackPort()),
    SLIPWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SLIPWAY_CONSOLE_DIR: CONSOLE_DIR,
    SLIPWAY_DATA_DIR: dataDir,
    SLIPWAY_DEMO: 'true',
    SLIPWAY_LOG_LEVEL: 'warn',
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await server.waitUntilReady();
    browser = await launchChromium();
    const baseURL = server.baseUrl;
    const setup = await browser.newContext({ baseURL });
    const page = await setup.newPage();
    await page.goto(paths.signIn());
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/workspaces$/);
    await seedDemoExtras(page);
    const signedIn = await setup.storageState();
    await setup.close();
    return { baseURL, browser, signedIn, close };
  } catch (error) {
    await close();
    throw error;
  }
}

// Headless Chromium for the console's browser tests: Debian's chromium driven by
// playwright-core (Playwright's own browser download is not available offline).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';
const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Saves a full-page screenshot named after the failed test; returns its path. */
export async function saveFailureScreenshot(page: Page, testName: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${testName.replace(/[^\w-]+/g, '_').slice(0, 100)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

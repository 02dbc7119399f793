// Screenshots of the console's main pages at 800 px and 1440 px wide, for a person to look
// at (issue #12: "screenshots at 800 px and 1440 px of the main pages look right"). Serves
// the built console like `./run start` does (scripts/console-server.ts), signs in as the
// admin on the demo platform, and writes `<width>-<page>.png` (full page) into
// `.bench/screenshots/` at the repository root (git-ignored). The sign-in page is taken
// signed out; a narrow (720 px) shot of the workspace page with its menu open shows the
// folded top bar.
// Usage: ./run screenshots:console   (builds the console first)
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO, MAIN_PAGES } from '../e2e/pages.ts';
import { paths } from '../src/app/paths.ts';
import { serveConsole } from './console-server.ts';

const OUT_DIR = fileURLToPath(new URL('../../../.bench/screenshots/', import.meta.url));
const WIDTHS = [800, 1440] as const;
const HEIGHT = 900;

async function shoot(page: Page, file: string): Promise<void> {
  // Fonts loaded and two frames painted after the page's ready state (React Flow's fitView,
  // Monaco's layout); not network idle: pages that follow a run hold an event stream open.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
  await page.screenshot({ path: `${OUT_DIR}${file}.png`, fullPage: true });
  console.log(`${OUT_DIR}${file}.png`);
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const served = await serveConsole();
  try {
    const { baseURL, browser, signedIn } = served;
    for (const width of WIDTHS) {
      const viewport = { width, height: HEIGHT };
      const signedOut = await browser.newContext({ baseURL, viewport });
      const signInPage = await signedOut.newPage();
      await signInPage.goto(paths.signIn());
      await signInPage.getByRole('form', { name: 'Sign in' }).waitFor();
      await shoot(signInPage, `${width}-sign-in`);
      await signedOut.close();

      const context = await browser.newContext({ baseURL, viewport, storageState: signedIn });
      const page = await context.newPage();
      for (const main of MAIN_PAGES) {
        await page.goto(main.path);
        await main.ready(page);
        await shoot(page, `${width}-${main.name}`);
      }
      await context.close();
    }

    const narrow = await browser.newContext({
      baseURL,
      viewport: { width: 720, height: HEIGHT },
      storageState: signedIn,
    });
    const page = await narrow.newPage();
    await page.goto(paths.workspace(DEMO.workspace));
    await page.getByRole('table', { name: 'Projects' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Workspaces' }).waitFor();
    await shoot(page, '720-workspace-menu-open');
    await narrow.close();
  } finally {
    await served.close();
  }
}

await main();

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { DEMO, MAIN_PAGES, seedDemoExtras } from './pages.ts';

// Every main page is usable from 800 px up: the document never scrolls sideways (wide
// tables scroll inside their own box) and the top bar keeps its links. Screenshots of each
// page at 800 and 1440 px are kept in test-results/layout/ for a look. Below 800 px the top
// bar's links and the sidebar fold into a menu button.

const SHOTS = fileURLToPath(new URL('../test-results/layout/', import.meta.url));

/** How far the document reaches past the window, in CSS pixels (0: no sideways scrolling). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Visits every main page at `width` and returns those that scroll sideways. */
async function tooWide(page: Page, width: number, check?: (path: string) => Promise<void>) {
  await page.setViewportSize({ width, height: 900 });
  const wide: string[] = [];
  for (const { path, ready } of MAIN_PAGES) {
    await page.goto(path);
    await ready(page);
    await check?.(path);
    const past = await overflow(page);
    if (past > 0) wide.push(`${path} at ${width} px: ${past} px too wide`);
  }
  return wide;
}

describe.skipIf(browserSkipReason())('layout from 800 px up', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });

  it('no main page scrolls sideways at 800 or 1440 px, and the top bar keeps its links', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    // Run #1, a custom role with many permissions (the widest row of the roles table) and a
    // webhook row: row actions and a visually hidden column header (an absolutely
    // positioned element that once escaped the table's scroll box and widened the page).
    await seedDemoExtras(page, fixture.databaseUrl);
    await mkdir(SHOTS, { recursive: true });
    const wide: string[] = [];
    for (const width of [800, 1440]) {
      const found = await tooWide(page, width, async (path) => {
        const banner = page.getByRole('banner');
        for (const link of ['Users', 'Clusters', 'Audit log']) {
          const box = await banner.getByRole('link', { name: link, exact: true }).boundingBox();
          expect(box, `${link} on ${path} at ${width} px`).not.toBeNull();
          expect(
            box && box.x + box.width <= width,
            `${link} is inside the window on ${path} at ${width} px`,
          ).toBe(true);
        }
        await page.screenshot({ path: `${SHOTS}${width}${path.replaceAll('/', '_')}.png`, fullPage: true });
      });
      wide.push(...found);
    }
    expect(wide).toEqual([]);
  });

  it('no main page scrolls sideways at 2560 px', { timeout: 300_000 }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    expect(await tooWide(page, 2560)).toEqual([]);
  });

  it('below 800 px the top bar folds into a menu that Escape closes, giving the focus back', async () => {
    const { page } = fixture;
    await page.setViewportSize({ width: 720, height: 900 });
    await fixture.signIn();
    const banner = page.getByRole('banner');
    const menu = banner.getByRole('button', { name: 'Menu' });
    // Folded: no top-bar link and no sidebar until the menu opens.
    await menu.waitFor();
    expect(await banner.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Workspaces' }).count()).toBe(0);
    expect(await overflow(page)).toBe(0);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    // Opened from the keyboard: its links are there; Escape closes it and focus is back on it.
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await banner.getByRole('link', { name: 'Clusters', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Demo' }).focus();
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await banner.getByRole('link', { name: 'Clusters', exact: true }).count()).toBe(0);
    expect(await menu.evaluate((element) => element === document.activeElement)).toBe(true);

    // Following one of its links closes it and opens the page.
    await menu.click();
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Demo' }).click();
    await page.waitForURL(`**${paths.workspace(DEMO.workspace)}`);
    await page.getByRole('table', { name: 'Projects' }).waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    // Back above the breakpoint the links and the sidebar are on screen again.
    await page.setViewportSize({ width: 800, height: 900 });
    await banner.getByRole('link', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Workspaces' }).waitFor();
    expect(await menu.count()).toBe(0);
  });
});

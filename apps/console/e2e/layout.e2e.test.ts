import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

// Every main page is usable from 800 px up: the document never scrolls sideways (wide
// tables scroll inside their own box) and the top bar keeps its links. Screenshots of each
// page at 800 and 1440 px are kept in test-results/layout/ for a look.

const SHOTS = fileURLToPath(new URL('../test-results/layout/', import.meta.url));
const WS = '/workspaces/demo';
const PROJECT = `${WS}/projects/hello`;

/** Each main page and the one state that says it has rendered (a heading or a table). */
const PAGES: [string, (page: Page) => Promise<void>][] = [
  ['/workspaces', (p) => p.getByRole('table', { name: 'Workspaces' }).waitFor()],
  [WS, (p) => p.getByRole('table', { name: 'Projects' }).waitFor()],
  [PROJECT, (p) => p.getByRole('table', { name: 'Pipelines' }).waitFor()],
  [`${PROJECT}/pipelines/ci`, (p) => p.getByRole('table', { name: 'Revisions' }).waitFor()],
  [`${PROJECT}/pipelines/ci/runs`, (p) => p.getByRole('table', { name: 'Runs' }).waitFor()],
  [`${PROJECT}/pipelines/ci/runs/1`, (p) => p.getByRole('heading', { name: /^Run #1/ }).waitFor()],
  // No project members yet: the list page shows its empty state, not an empty table.
  [`${PROJECT}/members`, (p) => p.getByRole('heading', { name: 'Members of hello', exact: true }).waitFor()],
  [`${PROJECT}/webhooks`, (p) => p.getByRole('table', { name: 'Webhooks' }).waitFor()],
  [`${WS}/members`, (p) => p.getByRole('table', { name: 'Roles' }).waitFor()],
  [`${WS}/environments`, (p) => p.getByRole('table', { name: 'Environments' }).waitFor()],
  [`${WS}/credentials`, (p) => p.getByRole('heading', { name: 'Credentials', exact: true }).waitFor()],
  [`${WS}/templates`, (p) => p.getByRole('heading', { name: 'Pipeline templates', exact: true }).waitFor()],
  ['/users', (p) => p.getByRole('table', { name: 'Users' }).waitFor()],
  ['/clusters', (p) => p.getByRole('heading', { name: 'Clusters', exact: true }).waitFor()],
  ['/audit', (p) => p.getByRole('table', { name: 'Audit events' }).waitFor()],
  ['/account', (p) => p.getByRole('table', { name: 'Sessions' }).waitFor()],
  ['/docs/pipeline-spec', (p) => p.getByRole('table', { name: 'Fields' }).waitFor()],
];

/** How far the document reaches past the window, in CSS pixels (0: no sideways scrolling). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe.skipIf(browserSkipReason())('layout from 800 px up', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });

  it('no main page scrolls sideways at 800 or 1440 px, and the top bar keeps its links', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', `/api/v1${PROJECT}/pipelines/ci/runs`, {
      releaseType: 'full',
      environment: 'local',
    });
    // A custom role with many permissions: the widest row of the roles table.
    const permissions = [
      'project.read',
      'project.update',
      'pipeline.edit',
      'pipeline.run',
      'config.edit',
      'deploy.nonproduction',
      'deploy.production',
      'approval.decide',
      'release.rollback',
    ];
    await api(page, 'POST', '/api/v1/workspaces/demo/roles', {
      name: 'release-captain-with-a-long-name',
      scope: 'project',
      permissions,
    });
    // A webhook row: row actions and a visually hidden column header (an absolutely
    // positioned element that once escaped the table's scroll box and widened the page).
    await api(page, 'POST', `/api/v1${PROJECT}/webhooks`, {
      name: 'github-pushes-and-tags',
      provider: 'github',
      events: ['push', 'tag'],
      pipeline: 'ci',
      releaseType: 'full',
      environment: 'local',
      secret: 'a-webhook-secret-of-some-length',
    });
    await mkdir(SHOTS, { recursive: true });
    const wide: string[] = [];
    for (const width of [800, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [path, ready] of PAGES) {
        await page.goto(path);
        await ready(page);
        const banner = page.getByRole('banner');
        for (const link of ['Users', 'Clusters', 'Audit log']) {
          const box = await banner.getByRole('link', { name: link, exact: true }).boundingBox();
          expect(box, `${link} on ${path} at ${width} px`).not.toBeNull();
          expect(
            box && box.x + box.width <= width,
            `${link} is inside the window on ${path} at ${width} px`,
          ).toBe(true);
        }
        const past = await overflow(page);
        if (past > 0) wide.push(`${path} at ${width} px: ${past} px too wide`);
        await page.screenshot({ path: `${SHOTS}${width}${path.replaceAll('/', '_')}.png`, fullPage: true });
      }
    }
    expect(wide).toEqual([]);
  });
});

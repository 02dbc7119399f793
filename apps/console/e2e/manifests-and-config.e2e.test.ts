import { randomBytes } from 'node:crypto';
import { adminClient, clusterSkipReason, testKubeconfig } from '@slipway/kube/testing';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { expectAccessible } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';
import { readYaml, replaceYaml, waitForYamlEditor, yamlMarkers } from './yaml-editor.ts';

// Issue #13 in the browser: a manifest set edited with completion from the environment's
// cluster schema (the local control plane's own OpenAPI v3) and its problems shown at their
// line; a config set edited per environment with a diff before each save, its history and a
// diff of two versions.

const EDITOR = 'Manifest deploy.yaml';

/** The environment's cluster is the local control plane; `production` has no cluster. */
async function setUp(page: Page, workspace: string): Promise<void> {
  await api(page, 'POST', '/api/v1/clusters', { name: workspace, kubeconfig: testKubeconfig() });
  await api(page, 'POST', '/api/v1/workspaces', { slug: workspace, name: workspace });
  await api(page, 'POST', `/api/v1${paths.workspace(workspace)}/projects`, { slug: 'shop', name: 'Shop' });
  await api(page, 'POST', `/api/v1${paths.workspace(workspace)}/environments`, {
    name: 'staging',
    cluster: workspace,
    order: 1,
  });
  await api(page, 'POST', `/api/v1${paths.workspace(workspace)}/environments`, {
    name: 'production',
    order: 2,
  });
}

describe.skipIf(browserSkipReason([clusterSkipReason()]))(
  'manifest sets and config sets in a browser',
  () => {
    const fixture = useConsole();
    const workspace = `mc-${randomBytes(3).toString('hex')}`;
    const kube = adminClient();
    let setUpDone = false;
    /** The workspace of both tests, set up by whichever runs first (each can run alone). */
    const ensureSetUp = async (page: Page) => {
      if (!setUpDone) await setUp(page, workspace);
      setUpDone = true;
    };

    afterAll(async () => {
      await kube.deleteNamespace(`${workspace}-staging`).catch(() => undefined);
    });

    it('a manifest set: completion from the cluster schema, a problem at its line, save as version 2', {
      timeout: 300_000,
    }, async () => {
      const { page } = fixture;
      await fixture.signIn();
      await ensureSetUp(page);

      await page.goto(paths.project(workspace, 'shop'));
      await page.getByRole('link', { name: 'Manifest sets' }).click();
      await page.getByRole('heading', { name: 'Manifest sets' }).waitFor();
      await page.getByRole('button', { name: 'Create the first manifest set' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create manifest set' });
      await dialog.getByLabel('Name').fill('web');
      await dialog.getByRole('button', { name: 'Create manifest set' }).click();
      await page.waitForURL(/\/manifests\/web$/);
      await waitForYamlEditor(page, EDITOR);
      const starter = await readYaml(page, EDITOR);
      expect(starter).toContain('image: ${{ release.image }}');

      // The schema of the staging environment's cluster: completion of a Deployment's spec fields.
      await page.getByLabel('Schema from environment').selectOption('staging');
      await page.getByRole('status').filter({ hasText: 'Editing from version 1.' }).waitFor();
      await replaceYaml(page, starter.replace('  replicas: 1\n', ''), EDITOR);
      await page
        .locator('.view-line', { hasText: /^spec:$/ })
        .first()
        .click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+Space');
      const suggestions = page.locator('.suggest-widget');
      await suggestions.getByRole('option', { name: /^replicas/ }).click();
      await page.keyboard.type('3');
      await expect.poll(() => readYaml(page, EDITOR)).toContain('spec:\n  replicas: 3\n  selector:');
      await page.keyboard.press('Escape');

      // The schema also validates: a count that is no integer is marked at its line.
      const text = await readYaml(page, EDITOR);
      await replaceYaml(page, text.replace('  replicas: 3\n', '  replicas: many\n'), EDITOR);
      await expect
        .poll(async () => (await yamlMarkers(page, EDITOR, 'yaml')).map((marker) => marker.line))
        .toContain(8);

      // An unknown placeholder (the server's own parser, run in the browser): marker and list.
      const broken = text.replace('${{ release.image }}', '${{ release.imag }}');
      await replaceYaml(page, broken, EDITOR);
      const imageLine = broken.split('\n').findIndex((line) => line.includes('release.imag }}')) + 1;
      await expect
        .poll(() => yamlMarkers(page, EDITOR, 'slipway'))
        .toEqual([
          expect.objectContaining({ line: imageLine, message: expect.stringMatching(/release\.imag/) }),
        ]);
      const problems = page.getByRole('list', { name: 'Manifest problems' });
      await problems.getByText(`deploy.yaml:${imageLine}:`).waitFor();
      await expectAccessible(page, { label: 'manifest set editor with a problem' });

      // Saving anyway: the server refuses (400) with the same problem, still at its line.
      await page.getByLabel('Message').fill('three replicas');
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByRole('alert').filter({ hasText: 'Correct the field' }).waitFor();
      expect(await problems.getByRole('listitem').count()).toBe(1);

      // Fixed, checked against the cluster (a server-side dry run), saved: version 2 in the history.
      await replaceYaml(page, text, EDITOR);
      await expect.poll(() => yamlMarkers(page, EDITOR, 'slipway')).toEqual([]);
      await page.getByRole('button', { name: 'Check against staging' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: "No problems found, staging's cluster accepts every object (dry run)." })
        .waitFor();
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved version 2.' }).waitFor();
      await page.getByRole('tab', { name: 'History' }).click();
      const versions = page.getByRole('table', { name: 'Versions' });
      await versions
        .getByRole('row', { name: /three replicas/ })
        .getByRole('cell', { name: '2', exact: true })
        .waitFor();
      await page.getByRole('button', { name: 'View version 1' }).click();
      await waitForYamlEditor(page, EDITOR);
      expect(await readYaml(page, EDITOR)).toBe(starter);
    });

    it('a config set: keys per environment, a diff before each save, history and a diff of two versions', {
      timeout: 300_000,
    }, async () => {
      const { page } = fixture;
      await fixture.signIn();
      await ensureSetUp(page);
      await page.goto(paths.configSets(workspace, 'shop'));
      await page.getByRole('button', { name: 'Create the first config set' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create config set' });
      await dialog.getByLabel('Name').fill('app-config');
      await dialog.getByRole('button', { name: 'Create config set' }).click();
      await page.waitForURL(/\/config\/app-config$/);
      await page.getByRole('tab', { name: 'staging' }).waitFor();
      await page.getByRole('tab', { name: 'production' }).waitFor();

      const application = 'server:\n  port: 8080\nlogging:\n  level: info\n';
      await page.getByRole('button', { name: 'Add key' }).click();
      await page.getByLabel('Key 1', { exact: true }).fill('LOG_FORMAT');
      await page.getByLabel('Value 1', { exact: true }).fill('json');
      await page.getByRole('button', { name: 'Add key' }).click();
      await page.getByLabel('Key 2', { exact: true }).fill('application.yml');
      await page.getByLabel('Value 2', { exact: true }).fill(application);
      await page.getByRole('button', { name: 'Review changes' }).click();
      const firstReview = page.getByRole('table', { name: 'Changes in staging' });
      await firstReview.getByRole('row', { name: /LOG_FORMAT.*added.*json/ }).waitFor();
      await firstReview.getByRole('row', { name: /application\.yml.*added/ }).waitFor();
      await page.getByLabel('Message').fill('first config');
      await page.getByRole('button', { name: 'Save version' }).click();
      const history = page.getByRole('table', { name: 'Versions in staging' });
      await history.getByRole('row', { name: /first config.*app-config-v1/ }).waitFor();

      // A change: the review shows old → new, and a file's lines side by side.
      await page.getByLabel('Value 1', { exact: true }).fill('text');
      await page
        .getByLabel('Value 2', { exact: true })
        .fill(application.replace('level: info', 'level: debug'));
      await page.getByRole('button', { name: 'Review changes' }).click();
      const review = page.getByRole('table', { name: 'Changes in staging' });
      await review.getByRole('row', { name: /LOG_FORMAT.*changed.*json → text/ }).waitFor();
      const lines = page.getByRole('table', { name: 'Changes of application.yml' });
      await lines.getByRole('row', { name: /level: info.*level: debug/ }).waitFor();
      await expectAccessible(page, { label: 'config review' });
      await page.getByLabel('Message').fill('debug logs');
      await page.getByRole('button', { name: 'Save version' }).click();
      await history.getByRole('row', { name: /debug logs.*app-config-v2/ }).waitFor();

      // The server's diff of any two versions: v1 → v2 by default.
      const compare = page.getByRole('region', { name: 'Compare versions' });
      await expect(compare.getByLabel('From', { exact: true }).inputValue()).resolves.toBe('1');
      await compare
        .getByRole('table', { name: 'Changes from version 1 to version 2' })
        .getByRole('row', { name: /LOG_FORMAT.*json → text/ })
        .waitFor();
      await compare.getByLabel('From', { exact: true }).selectOption('2');
      await compare.getByLabel('To', { exact: true }).selectOption('1');
      await compare
        .getByRole('table', { name: 'Changes from version 2 to version 1' })
        .getByRole('row', { name: /LOG_FORMAT.*text → json/ })
        .waitFor();

      // Another environment has its own versions.
      await page.getByRole('tab', { name: 'production' }).click();
      await page.getByText('No version in production yet').waitFor();
    });
  },
);

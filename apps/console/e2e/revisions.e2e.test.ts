import type { Run } from '@slipway/contracts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, savePipeline } from './helpers.ts';
import { diffEditorTexts } from './monaco-diff.ts';
import { readYaml, replaceYaml } from './yaml-editor.ts';

// A pipeline's revisions in the console: saving with a message, the history, viewing and
// diffing revisions, restoring one; and retrying a run on the pipeline's latest revision.
// Runs go to the local executor (the environment has no cluster).

/** Runs on the local executor take a few seconds; the machine may be busy with other work. */
const RUN_TIMEOUT = 90_000;

const spec = (step: string) => `stages:
  - name: build
    jobs:
      - name: say
        image: alpine:3.22
        steps:
          - name: say
            run: ${step}
`;

/** A workspace with a project `app`, an environment `dev` (no cluster) and one pipeline. */
async function setUp(page: Page, workspace: string, pipeline: string, text: string) {
  await api(page, 'POST', '/api/v1/workspaces', { slug: workspace, name: workspace });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/projects`, { slug: 'app', name: 'App' });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/environments`, { name: 'dev' });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/projects/app/pipelines`, {
    name: pipeline,
    spec: text,
  });
  return `/workspaces/${workspace}/projects/app/pipelines/${pipeline}`;
}

describe.skipIf(browserSkipReason())('pipeline revisions', () => {
  const fixture = useConsole();

  it('saves with a message, shows the history, views and diffs revisions, restores one', {
    timeout: 180_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    const first = spec('echo one');
    const pipeline = await setUp(page, 'history', 'ci', first);
    await page.goto(pipeline);
    expect(await readYaml(page)).toBe(first);

    const second = spec('echo two');
    await replaceYaml(page, second);
    await savePipeline(page, 'say two instead');
    await page.getByText(/^Revision 2 by admin/).waitFor();
    const history = page.getByRole('table', { name: 'Revisions' });
    await history.getByRole('row', { name: /^2 \(current\) admin .* say two instead/ }).waitFor();

    // Revision 1, read-only.
    await page.getByRole('button', { name: 'View revision 1' }).click();
    await page.getByRole('heading', { name: 'Revision 1', exact: true }).waitFor();
    expect(await readYaml(page, 'Revision 1')).toBe(first);
    await expect(replaceYaml(page, 'edited', 'Revision 1')).rejects.toThrow(/read-only/);

    // 1 against 2, side by side.
    await page.getByLabel('Compare revision').selectOption('1');
    await page.getByLabel('with revision').selectOption('2');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByRole('heading', { name: 'Revision 1 compared with revision 2' }).waitFor();
    const [diff] = await diffEditorTexts(page);
    expect(diff).toMatchObject({ from: first, to: second });
    expect(diff?.changes).toBe(1);

    // Restore 1: a new revision 3 with its spec, which the editor then shows.
    await page.getByRole('button', { name: 'Restore revision 1' }).click();
    const restore = page.getByRole('dialog', { name: 'Restore revision 1' });
    await restore.getByText('Saves revision 3 with the spec of revision 1.', { exact: false }).waitFor();
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByText(/^Revision 3 by admin/).waitFor();
    await history.getByRole('row', { name: /^3 \(current\) admin .* Restore revision 1/ }).waitFor();
    await expect.poll(() => readYaml(page)).toBe(first);
    const stored = await (await api(page, 'GET', `/api/v1${pipeline}`)).json();
    expect(stored).toMatchObject({ revision: 3, spec: first });
  });

  it('offers a retry on the latest revision only once the pipeline changed, and runs it', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    const pipeline = await setUp(page, 'latest', 'fixme', spec('exit 1'));
    const first = (await (
      await api(page, 'POST', `/api/v1${pipeline}/runs`, { releaseType: 'default', environment: 'dev' })
    ).json()) as Run;
    const runPage = `${pipeline}/runs/${first.number}`;
    const pipelineRead = (p: Page) =>
      p.waitForResponse((r) => r.url().endsWith(`/api/v1${pipeline}`) && r.request().method() === 'GET');

    let read = pipelineRead(page);
    await page.goto(runPage);
    await page.getByRole('heading', { name: /^Run #1\s+failed$/ }).waitFor({ timeout: RUN_TIMEOUT });
    await read;
    await page.getByRole('button', { name: 'Retry', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Retry with the latest revision' }).count()).toBe(0);

    await api(page, 'PUT', `/api/v1${pipeline}`, { spec: spec('echo fixed'), baseRevision: 1 });
    read = pipelineRead(page);
    await page.reload();
    await read;
    const latest = page.getByRole('button', { name: 'Retry with the latest revision' });
    await latest.waitFor();
    expect(await page.getByText('revision 2 (current) instead of 1').count()).toBe(1);
    await latest.click();

    await page.waitForURL(new RegExp(`/runs/${first.number + 1}$`));
    await page.getByRole('heading', { name: /^Run #2\s+succeeded$/ }).waitFor({ timeout: RUN_TIMEOUT });
    const second = (await (await api(page, 'GET', `/api/v1${pipeline}/runs/2`)).json()) as Run;
    expect(second).toMatchObject({
      revision: 2,
      trigger: 'retry',
      retryOf: 1,
      releaseType: first.releaseType,
      environment: 'dev',
    });
    // Run 2 ran the current revision: nothing newer to offer.
    expect(await page.getByRole('button', { name: 'Retry with the latest revision' }).count()).toBe(0);
  });
});

import { readFileSync } from 'node:fs';
import { canvasEdits, newDeployJob, setIn } from '@slipway/pipeline';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { savePipeline } from './helpers.ts';
import { readYaml, replaceYaml } from './yaml-editor.ts';

// A pipeline whose comments must survive every canvas edit.
const COMMENTED = readFileSync(
  new URL('../../../packages/pipeline/src/fixtures/commented.yaml', import.meta.url),
  'utf8',
);

describe.skipIf(browserSkipReason())('the pipeline canvas', () => {
  const fixture = useConsole();

  it('edits the YAML through the canvas and its properties panel, comments intact', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await createPipeline(page, 'store', COMMENTED);
    await expect.poll(() => readYaml(page)).toBe(COMMENTED);

    // A parallel job: the YAML gains exactly its lines, everything else byte for byte.
    await page.getByRole('button', { name: 'Add a parallel job to test' }).click();
    await page.getByRole('article', { name: 'Job job-3' }).waitFor();
    let expected = COMMENTED.replace(
      '          - run: npx playwright test\n',
      '          - run: npx playwright test\n      - name: job-3\n        image: alpine:3\n        steps:\n          - run: echo hello\n',
    );
    await expect.poll(() => readYaml(page)).toBe(expected);

    // Saved and reloaded: the same text.
    await savePipeline(page);
    await page.getByText(/^Revision 2 by admin/).waitFor();
    await page.reload();
    await page.getByRole('article', { name: 'Job job-3' }).waitFor();
    await expect.poll(() => readYaml(page)).toBe(expected);

    // Reorder and remove: each is the package's pure edit of the same text.
    await page.getByRole('button', { name: 'Move job job-3 up' }).click();
    expected = canvasEdits.moveJob(expected, 0, 2, 1);
    await expect.poll(() => readYaml(page)).toBe(expected);
    await page.getByRole('button', { name: 'Move step test of unit up' }).click();
    expected = canvasEdits.moveStep(expected, 0, 0, 1, 0);
    await expect.poll(() => readYaml(page)).toBe(expected);
    await page.getByRole('button', { name: 'Add a step to e2e' }).click();
    expected = canvasEdits.addStep(expected, 0, 2, { name: 'step-2', run: 'echo hello' });
    await expect.poll(() => readYaml(page)).toBe(expected);
    await page.getByRole('button', { name: 'Remove step step-2 of e2e' }).click();
    expected = canvasEdits.removeStep(expected, 0, 2, 1);
    await expect.poll(() => readYaml(page)).toBe(expected);
    await page.getByRole('button', { name: 'Move job job-3 to the next stage' }).click();
    expected = canvasEdits.moveJobToStage(expected, 0, 1, 1);
    await expect.poll(() => readYaml(page)).toBe(expected);
    await page.getByRole('button', { name: 'Remove job job-3' }).click();
    expected = canvasEdits.removeJob(expected, 1, 1);
    await expect.poll(() => readYaml(page)).toBe(expected);
    for (const comment of COMMENTED.match(/#.*$/gm) ?? []) expect(expected).toContain(comment);

    // The properties panel is generated from the job's JSON Schema; every change is a YAML edit.
    await page
      .getByRole('article', { name: 'Job unit' })
      .getByRole('button', { name: 'unit', exact: true })
      .click();
    const panel = page.getByRole('complementary', { name: 'Properties of Job unit' });
    for (const field of ['name', 'image', 'timeout', 'retries', 'credentials'])
      await panel.getByLabel(field, { exact: true }).waitFor();
    await panel.getByRole('group', { name: 'when' }).waitFor();
    await panel.getByRole('group', { name: 'env' }).waitFor();

    await panel.getByLabel('timeout').fill('30m');
    await panel.getByLabel('timeout').press('Enter');
    expected = setIn(expected, ['stages', 0, 'jobs', 0, 'timeout'], '30m');
    await expect.poll(() => readYaml(page)).toBe(expected);
    expect(expected).toContain('        timeout: 30m\n');

    // A value the schema refuses is not written: the field says why.
    await panel.getByLabel('retries').fill('20');
    await panel.getByLabel('retries').press('Enter');
    await panel.getByRole('alert').getByText('retries must be at most 10').waitFor();
    expect(await readYaml(page)).toBe(expected);
    await panel.getByLabel('retries').fill('2');
    await panel.getByLabel('retries').press('Enter');
    expected = setIn(expected, ['stages', 0, 'jobs', 0, 'retries'], 2);
    await expect.poll(() => readYaml(page)).toBe(expected);

    await panel.getByLabel('New env name').fill('CI');
    await panel.getByLabel('New env value').fill('yes');
    await panel.getByRole('button', { name: 'Add to env' }).click();
    expected = setIn(expected, ['stages', 0, 'jobs', 0, 'env', 'CI'], 'yes');
    await expect.poll(() => readYaml(page)).toBe(expected);
    await panel.getByLabel('credentials').fill('npm, harbor');
    await panel.getByLabel('credentials').press('Enter');
    expected = setIn(expected, ['stages', 0, 'jobs', 0, 'credentials'], ['npm', 'harbor']);
    await expect.poll(() => readYaml(page)).toBe(expected);
    await panel.getByRole('group', { name: 'when' }).getByLabel('branch').fill('main');
    await panel.getByRole('group', { name: 'when' }).getByLabel('branch').press('Enter');
    expected = setIn(expected, ['stages', 0, 'jobs', 0, 'when', 'branch'], ['main']);
    await expect.poll(() => readYaml(page)).toBe(expected);
    // The canvas says when a job or stage runs only for some runs: the new condition, and
    // the stage that release type quick leaves out (its `stages: [build]`).
    await page
      .getByRole('article', { name: 'Job unit' })
      .getByLabel('Job unit runs only when branch: main', { exact: true })
      .waitFor();
    await page
      .getByRole('region', { name: 'Stage test' })
      .getByLabel('Stage test runs only when release type: full', { exact: true })
      .waitFor();
    expect(
      await page
        .getByRole('region', { name: 'Stage build' })
        .getByLabel(/runs only when/)
        .count(),
    ).toBe(0);

    // A stage's panel: the approval gate's inline map is edited inline.
    await page
      .getByRole('region', { name: 'Stage approve' })
      .getByRole('button', { name: 'approve', exact: true })
      .click();
    const stagePanel = page.getByRole('complementary', { name: 'Properties of Stage approve' });
    await stagePanel.getByRole('group', { name: 'approval' }).getByLabel('count').fill('3');
    await stagePanel.getByRole('group', { name: 'approval' }).getByLabel('count').press('Enter');
    expected = setIn(expected, ['stages', 2, 'approval', 'count'], 3);
    await expect.poll(() => readYaml(page)).toBe(expected);
    expect(expected).toContain('    approval: { role: operator, count: 3 }\n');
    for (const comment of COMMENTED.match(/#.*$/gm) ?? []) expect(expected).toContain(comment);

    await savePipeline(page);
    await page.getByText(/^Revision 3 by admin/).waitFor();
    await page.reload();
    await page.getByRole('article', { name: 'Job unit' }).waitFor();
    expect(await readYaml(page)).toBe(expected);
  });

  it('adds a deploy job and edits its deploy step in the properties panel, comments intact', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await createPipeline(page, 'ship', COMMENTED, 'Deploys');
    await expect.poll(() => readYaml(page)).toBe(COMMENTED);

    await page.getByRole('button', { name: 'Add a deploy job to build' }).click();
    let expected = canvasEdits.addJob(COMMENTED, 1, newDeployJob(['image']));
    await expect.poll(() => readYaml(page)).toBe(expected);
    expect(expected).toContain(
      '      - name: deploy-1\n        steps:\n          - name: deploy\n            deploy:\n              manifests: app\n',
    );
    // Drawn as a deploy node saying what it deploys; its step's properties open at once.
    const node = page.getByRole('article', { name: 'Deploy job deploy-1' });
    await node.getByText('manifest set app').waitFor();
    const panel = page.getByRole('complementary', { name: 'Properties of Step deploy of deploy-1' });
    const deploy = panel.getByRole('group', { name: 'deploy' });
    for (const field of ['manifests', 'path', 'image', 'config', 'timeout'])
      await deploy.getByLabel(field, { exact: true }).waitFor();

    // A repository path replaces the manifest set in one edit (the spec stays valid).
    await deploy.getByLabel('path', { exact: true }).fill('deploy/');
    await deploy.getByLabel('path', { exact: true }).press('Enter');
    expected = canvasEdits.setDeployValue(expected, 1, 1, 0, ['deploy', 'path'], 'deploy/');
    await expect.poll(() => readYaml(page)).toBe(expected);
    await node.getByText('repository deploy/').waitFor();
    await deploy.getByLabel('config', { exact: true }).fill('app-config, flags');
    await deploy.getByLabel('config', { exact: true }).press('Enter');
    expected = canvasEdits.setDeployValue(expected, 1, 1, 0, ['deploy', 'config'], ['app-config', 'flags']);
    await expect.poll(() => readYaml(page)).toBe(expected);
    // A value the schema refuses is not written.
    await deploy.getByLabel('timeout', { exact: true }).fill('soon');
    await deploy.getByLabel('timeout', { exact: true }).press('Enter');
    await panel
      .getByRole('alert')
      .getByText(/timeout/)
      .waitFor();
    expect(await readYaml(page)).toBe(expected);
    for (const comment of COMMENTED.match(/#.*$/gm) ?? []) expect(expected).toContain(comment);

    await savePipeline(page);
    await page.getByText(/^Revision 2 by admin/).waitFor();
    await page.reload();
    await page.getByRole('article', { name: 'Deploy job deploy-1' }).waitFor();
    expect(await readYaml(page)).toBe(expected);
  });
});

async function createPipeline(page: Page, name: string, spec: string, workspace = 'Canvas'): Promise<void> {
  await page.getByRole('button', { name: 'Create workspace' }).first().click();
  const ws = page.getByRole('dialog', { name: 'Create workspace' });
  await ws.getByLabel('Name').fill(workspace);
  await ws.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByRole('button', { name: 'Create project' }).click();
  const project = page.getByRole('dialog', { name: 'Create project' });
  await project.getByLabel('Name').fill('Shop');
  await project.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'Shop' }).click();
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create pipeline' });
  await dialog.getByLabel('Name').fill(name);
  await replaceYaml(page, spec);
  await dialog.getByRole('button', { name: 'Create pipeline' }).click();
  await page.waitForURL(new RegExp(`/pipelines/${name}$`));
}

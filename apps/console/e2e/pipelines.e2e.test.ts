import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';

describe.skipIf(browserSkipReason())('pipelines in the console', () => {
  const fixture = useConsole();

  it('creates a pipeline, shows a spec error at its line, saves a revision and keeps the text', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const ws = page.getByRole('dialog', { name: 'Create workspace' });
    await ws.getByLabel('Name').fill('Pipes');
    await ws.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('button', { name: 'Create project' }).click();
    const project = page.getByRole('dialog', { name: 'Create project' });
    await project.getByLabel('Name').fill('Web');
    await project.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'Web' }).click();

    await page.getByRole('button', { name: 'Create pipeline' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create pipeline' });
    await dialog.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/\/pipelines\/ci$/);
    const editor = page.getByRole('textbox', { name: 'Pipeline YAML' });
    const original = await editor.inputValue();
    expect(original).toContain('# A first pipeline');

    // A typo: the server's validator answers with the line and column.
    await editor.fill(original.replace('- run: npm ci', '- rnu: npm ci'));
    await page.getByRole('button', { name: 'Check' }).click();
    const errors = page.getByRole('list', { name: 'Spec errors' });
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(
      /^10:13 stages\[0\]\.jobs\[0\]\.steps\[0\]: unknown step type 'rnu' — did you mean 'run'\?/,
    );

    const edited = original.replace('npm ci && npm test', 'npm ci && npm test # and more');
    await editor.fill(edited);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Revision 2 by admin/).waitFor();
    await page.reload();
    expect(await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue()).toBe(edited);
    // The revisions load after the page: wait for them instead of counting too early.
    await expect.poll(() => page.getByRole('table', { name: 'Revisions' }).getByRole('row').count()).toBe(3);

    // The canvas edits the same document: a parallel job appears in the YAML as exactly
    // its own lines, every comment and untouched line kept.
    const yamlBefore = await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue();
    await page.getByRole('button', { name: 'Add a parallel job to test' }).click();
    await page.getByRole('article', { name: 'Job job-2' }).waitFor();
    const yamlAfter = await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue();
    const addedJob =
      '      - name: job-2\n        image: alpine:3\n        steps:\n          - run: echo hello\n';
    expect(yamlAfter).toBe(`${yamlBefore}${addedJob}`);
    expect(yamlAfter).toContain('# A first pipeline: edit the image and commands for your project.');
    expect(yamlAfter).toContain('npm ci && npm test # and more');

    // Stages too: add one, move it first, remove it again: the text comes back unchanged.
    await page.getByRole('button', { name: '+ Stage' }).click();
    await page.getByRole('region', { name: 'Stage stage-2' }).waitFor();
    await page.getByRole('button', { name: 'Move stage stage-2 left' }).click();
    await page.getByRole('button', { name: 'Remove stage stage-2' }).click();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue())
      .toBe(yamlAfter);

    // A YAML edit redraws the canvas; invalid YAML keeps the last drawing, marked stale.
    const editor2 = page.getByRole('textbox', { name: 'Pipeline YAML' });
    await editor2.fill(yamlAfter.replace('name: job-2', 'name: smoke'));
    await page.getByRole('article', { name: 'Job smoke' }).waitFor();
    await editor2.fill(`${yamlAfter}\n  - : [`);
    await page.getByText(/the canvas shows the last valid version/).waitFor();
    await editor2.fill(yamlAfter);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Revision 3 by admin/).waitFor();
    await page.reload();
    expect(await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue()).toBe(yamlAfter);

    // Unsaved edits survive leaving the page and coming back, until discarded.
    const unsaved = `${yamlAfter}# not saved yet\n`;
    await page.getByRole('textbox', { name: 'Pipeline YAML' }).fill(unsaved);
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'web' }).click();
    await page.getByRole('table', { name: 'Pipelines' }).getByRole('link', { name: 'ci' }).click();
    await page.getByText(/Your unsaved changes were restored \(started from revision 3\)/).waitFor();
    expect(await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue()).toBe(unsaved);
    await page.getByRole('button', { name: 'Discard them' }).click();
    expect(await page.getByRole('textbox', { name: 'Pipeline YAML' }).inputValue()).toBe(yamlAfter);
  });

  // Uses the workspace "pipes" and project "web" that the test above created.
  it('a short pipeline uses a template version; the template shows who uses it', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await page.goto('/workspaces/pipes/templates');
    await page.getByRole('button', { name: 'Create template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create template' });
    await dialog.getByLabel('Name').fill('node-service');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('region', { name: 'Template node-service' }).waitFor();

    await page.goto('/workspaces/pipes/projects/web');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    const create = page.getByRole('dialog', { name: 'Create pipeline' });
    await create.getByLabel('Name').fill('short');
    await create
      .getByRole('textbox', { name: 'Pipeline YAML' })
      .fill('uses: node-service@1\nwith:\n  image: node:22\n');
    await create.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/\/pipelines\/short$/);
    await page.getByText(/Uses template/).waitFor();
    // The canvas draws the expanded pipeline.
    const unit = page.getByRole('article', { name: 'Job unit' });
    await unit.waitFor();
    expect(await unit.textContent()).toContain('node:22');

    await page.goto('/workspaces/pipes/templates');
    await page.getByRole('button', { name: 'node-service' }).click();
    const usedBy = page.getByRole('list', { name: 'Used by' });
    await usedBy.getByText('web/short').waitFor();
    expect(await usedBy.textContent()).toContain('uses v1');
  });
});

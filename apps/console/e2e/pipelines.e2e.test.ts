import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { savePipeline } from './helpers.ts';
import { readYaml, replaceYaml, yamlMarkers } from './yaml-editor.ts';

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
    const original = await readYaml(page);
    expect(original).toContain('# A first pipeline');

    // A typo: the server's validator answers with the line and column.
    await replaceYaml(page, original.replace('- run: npm ci', '- rnu: npm ci'));
    await page.getByRole('button', { name: 'Check' }).click();
    const errors = page.getByRole('list', { name: 'Spec errors' });
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(
      /^10:13 stages\[0\]\.jobs\[0\]\.steps\[0\]: unknown step type 'rnu' — did you mean 'run'\?/,
    );

    const edited = original.replace('npm ci && npm test', 'npm ci && npm test # and more');
    await replaceYaml(page, edited);
    await savePipeline(page);
    await page.getByText(/^Revision 2 by admin/).waitFor();
    await page.reload();
    expect(await readYaml(page)).toBe(edited);
    // The revisions load after the page: wait for them instead of counting too early.
    await expect.poll(() => page.getByRole('table', { name: 'Revisions' }).getByRole('row').count()).toBe(3);

    // The canvas edits the same document: a parallel job appears in the YAML as exactly
    // its own lines, every comment and untouched line kept.
    const yamlBefore = await readYaml(page);
    await page.getByRole('button', { name: 'Add a parallel job to test' }).click();
    await page.getByRole('article', { name: 'Job job-2' }).waitFor();
    const yamlAfter = await readYaml(page);
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
    await expect.poll(() => readYaml(page)).toBe(yamlAfter);

    // A YAML edit redraws the canvas; invalid YAML keeps the last drawing, marked stale.
    await replaceYaml(page, yamlAfter.replace('name: job-2', 'name: smoke'));
    await page.getByRole('article', { name: 'Job smoke' }).waitFor();
    await replaceYaml(page, `${yamlAfter}\n  - : [`);
    await page.getByText(/the canvas shows the last valid version/).waitFor();
    await replaceYaml(page, yamlAfter);
    await savePipeline(page);
    await page.getByText(/^Revision 3 by admin/).waitFor();
    await page.reload();
    expect(await readYaml(page)).toBe(yamlAfter);

    // Unsaved edits survive leaving the page and coming back, until discarded.
    const unsaved = `${yamlAfter}# not saved yet\n`;
    await replaceYaml(page, unsaved);
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'web' }).click();
    await page
      .getByRole('table', { name: 'Pipelines' })
      .getByRole('link', { name: 'ci', exact: true })
      .click();
    await page.getByText(/Your unsaved changes were restored \(started from revision 3\)/).waitFor();
    expect(await readYaml(page)).toBe(unsaved);
    await page.getByRole('button', { name: 'Discard them' }).click();
    await expect.poll(() => readYaml(page)).toBe(yamlAfter);
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
    await replaceYaml(page, 'uses: node-service@1\nwith:\n  image: node:22\n');
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

  it('the YAML editor marks errors at their line, completes schema keys and snippets, links hovers to the docs', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await createWorkspaceAndProject(page, 'Editing', 'Api');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    const create = page.getByRole('dialog', { name: 'Create pipeline' });
    await create.getByLabel('Name').fill('lint');
    await create.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/\/pipelines\/lint$/);
    // The editor may mount before the saved spec is in its model: wait for the text, not the widget.
    await expect
      .poll(async () => (await readYaml(page)).split('\n')[9], { timeout: 30_000 })
      .toBe('          - run: npm ci && npm test');
    const original = await readYaml(page);

    // Search and replace is Monaco's own widget (Ctrl+H): use it to type a misspelt step key.
    await page.getByRole('textbox', { name: 'Pipeline YAML' }).focus();
    await page.keyboard.press('Control+H');
    await page.getByRole('textbox', { name: 'Find' }).fill('- run: npm ci');
    await page.getByRole('textbox', { name: 'Replace' }).fill('- rnu: npm ci');
    await page.getByRole('button', { name: /^Replace All/ }).click();
    await expect.poll(() => readYaml(page)).toBe(original.replace('- run: npm ci', '- rnu: npm ci'));
    await page.keyboard.press('Escape');

    // Our validator's error is a marker on line 10, at the key; the squiggle is drawn on that line.
    await expect
      .poll(() => yamlMarkers(page, 'Pipeline YAML', 'slipway'))
      .toEqual([
        expect.objectContaining({
          line: 10,
          column: 13,
          message: expect.stringMatching(/unknown step type 'rnu' — did you mean 'run'\?/),
        }),
      ]);
    await expect.poll(() => squiggleLines(page)).toContain(10);
    // monaco-yaml checks the same text against the JSON Schema (in its worker).
    await expect
      .poll(async () => (await yamlMarkers(page, 'Pipeline YAML', 'yaml')).map((marker) => marker.line))
      .toContain(10);

    // Completion offers the keys the schema allows on a job…
    await page.locator('.view-line', { hasText: 'image: node:24' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const suggestions = page.locator('.suggest-widget');
    await suggestions.getByRole('option', { name: /^timeout/ }).click();
    await page.keyboard.type('15m');
    await expect
      .poll(() => readYaml(page))
      .toContain('        image: node:24\n        timeout: 15m\n        steps:\n');

    // …and whole steps as snippets where a step can go.
    await page.locator('.view-line', { hasText: 'rnu: npm ci' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- checkout');
    await expect.poll(() => readYaml(page)).toContain('\n          - checkout\n');
    await page.keyboard.press('Control+Space');
    await suggestions.getByRole('option', { name: /checkout step/ }).click();
    await expect
      .poll(() => readYaml(page))
      .toContain(
        [
          '          - rnu: npm ci && npm test',
          '          - name: checkout',
          '            image: alpine/git:2.47.2',
          '            run: |',
          '              git init -q . && git remote add origin https://git.example.com/team/app.git',
          '              git fetch -q --depth 1 origin ${{ git.sha }} && git checkout -q FETCH_HEAD',
        ].join('\n'),
      );
    await page.keyboard.press('Escape');

    // Fixing the typo clears the marker.
    await replaceYaml(page, (await readYaml(page)).replace('- rnu:', '- run:'));
    await expect.poll(() => yamlMarkers(page, 'Pipeline YAML', 'slipway')).toEqual([]);

    // A hover on a key explains it and links to the field's entry in the pipeline reference.
    await page
      .locator('.view-line span', { hasText: /^image$/ })
      .first()
      .hover();
    const hover = page.locator('.monaco-hover:not(.hidden)');
    await hover.getByText('Default container image of the steps').waitFor();
    const link = hover.getByRole('link', { name: 'stages[].jobs[].image in the pipeline reference' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`${fixture.server.baseUrl}/docs/pipeline-spec#stages.jobs.image`);
    await page.goto(href ?? '');
    const entry = page.locator('[id="stages.jobs.image"]');
    await entry.waitFor();
    expect(await entry.getAttribute('aria-current')).toBe('location');
    expect(await entry.textContent()).toContain('Default container image of the steps');
  });
});

/** Line numbers that show an error squiggle, read from the rendered editor. */
async function squiggleLines(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.monaco-editor');
    if (!editor) return [];
    const lineAt = new Map<string, number>();
    for (const line of editor.querySelectorAll<HTMLElement>('.margin-view-overlays > div')) {
      const number = line.querySelector('.line-numbers')?.textContent;
      if (number) lineAt.set(line.style.top, Number(number));
    }
    return [...editor.querySelectorAll<HTMLElement>('.view-overlays > div')]
      .filter((line) => line.querySelector('.squiggly-error'))
      .map((line) => lineAt.get(line.style.top) ?? -1);
  });
}

async function createWorkspaceAndProject(page: Page, workspace: string, project: string): Promise<void> {
  await page.getByRole('button', { name: 'Create workspace' }).first().click();
  const ws = page.getByRole('dialog', { name: 'Create workspace' });
  await ws.getByLabel('Name').fill(workspace);
  await ws.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByRole('button', { name: 'Create project' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create project' });
  await dialog.getByLabel('Name').fill(project);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: project }).click();
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';

/** A git repository with one commit: a small Node package. */
function nodeRepository(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-e2e-repo-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'shop-web', engines: { node: '>=22' }, scripts: { test: 'node --test' } }),
  );
  writeFileSync(path.join(dir, 'index.js'), 'console.log("shop");\n');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'first');
  return dir;
}

describe.skipIf(browserSkipReason())('importing a project in the console', () => {
  const fixture = useConsole();
  let repository: string;
  beforeAll(() => {
    repository = nodeRepository();
  });
  afterAll(() => {
    if (repository) rmSync(repository, { recursive: true, force: true });
  });

  it('imports a Node repository and gets pipeline ci from the node starter template', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const workspaceDialog = page.getByRole('dialog', { name: 'Create workspace' });
    await workspaceDialog.getByLabel('Name').fill('Imports');
    await workspaceDialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/workspaces\/imports$/);

    await page.getByRole('button', { name: 'Create project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create project' });
    await dialog.getByLabel('Name').fill('Shop Web');
    const starter = dialog.getByLabel('Create a starter pipeline from the repository');
    // Nothing to detect from until there is a repository.
    expect(await starter.isDisabled()).toBe(true);
    await dialog.getByLabel('Repository URL').fill(`file://${repository}`);
    await starter.check();
    await dialog.getByRole('button', { name: 'Create project' }).click();

    // The project page says what the import detected and created.
    await page.waitForURL(/\/workspaces\/imports\/projects\/shop-web$/);
    const notice = page.getByRole('status', { name: 'Starter pipeline' });
    await notice.waitFor();
    const said = await notice.textContent();
    expect(said).toContain('Detected Node.js from package.json.');
    expect(said).toContain('node-service@1, just published into the workspace');
    await page
      .getByRole('table', { name: 'Pipelines' })
      .getByRole('link', { name: 'ci', exact: true })
      .waitFor();

    // The pipeline is the short form using the template.
    await notice.getByRole('link', { name: 'ci' }).click();
    await page.waitForURL(/\/projects\/shop-web\/pipelines\/ci$/);
    await page.getByText('node-service@1').first().waitFor();
    expect(
      await page
        .getByText(/Uses template/)
        .first()
        .textContent(),
    ).toContain('node-service@1');
  });
});

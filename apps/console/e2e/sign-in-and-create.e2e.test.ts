import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, browserSkipReason, useConsole } from './fixture.ts';

describe.skipIf(browserSkipReason())('console in a browser', () => {
  const fixture = useConsole();

  it('signs in, creates a workspace and a project, sees them listed, and signs out', async () => {
    const { page } = fixture;
    await page.goto('/workspaces');
    // Not signed in: sent to the sign-in page, remembering where we wanted to go.
    await page.waitForURL(/\/sign-in\?next=%2Fworkspaces/);

    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid username or password');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/workspaces$/);
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();

    // Create a workspace: the slug follows the name.
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const workspaceDialog = page.getByRole('dialog', { name: 'Create workspace' });
    await workspaceDialog.getByLabel('Name').fill('Produce Shop');
    expect(await workspaceDialog.getByLabel('Slug').inputValue()).toBe('produce-shop');
    await workspaceDialog.getByLabel('Description').fill('Fruit and vegetables online');
    await workspaceDialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/workspaces\/produce-shop$/);
    await page.getByRole('heading', { name: 'Produce Shop' }).waitFor();

    // A server-side validation error is shown next to its field.
    await page.getByRole('button', { name: 'Create project' }).click();
    const projectDialog = page.getByRole('dialog', { name: 'Create project' });
    await projectDialog.getByLabel('Name').fill('Checkout API');
    await projectDialog.getByLabel('Repository URL').fill('not a repository');
    await projectDialog.getByRole('button', { name: 'Create project' }).click();
    await expect
      .poll(() => projectDialog.locator('.field-error').allTextContents())
      .toEqual([expect.stringContaining('repoUrl must be')]);

    await projectDialog.getByLabel('Repository URL').fill('https://git.example.com/shop/checkout.git');
    await projectDialog.getByRole('button', { name: 'Create project' }).click();
    await projectDialog.waitFor({ state: 'hidden' });
    const projects = page.getByRole('table', { name: 'Projects' });
    await projects.getByRole('link', { name: 'Checkout API' }).waitFor();
    expect(await projects.getByRole('cell', { name: 'checkout-api' }).count()).toBe(1);

    // Listed on the workspaces page, with its project count; survives a reload.
    await page
      .getByRole('navigation', { name: 'Workspaces' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    await page.reload();
    const row = page.getByRole('row', { name: /Produce Shop/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('1');

    // The project page opens from the sidebar.
    await page.getByRole('link', { name: 'Produce Shop' }).first().click();
    await page
      .getByRole('navigation', { name: 'Workspaces' })
      .getByRole('link', { name: 'Checkout API' })
      .click();
    await page.getByRole('heading', { name: 'Checkout API' }).waitFor();
    await page.getByText('https://git.example.com/shop/checkout.git').waitFor();

    // Sign out: back to sign-in, and protected pages are closed again.
    await page.getByRole('button', { name: 'admin' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto('/workspaces/produce-shop');
    await page.waitForURL(/\/sign-in\?next=/);
  });
});

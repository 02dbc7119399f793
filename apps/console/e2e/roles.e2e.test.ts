import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';

describe.skipIf(browserSkipReason())('roles in the console', () => {
  const fixture = useConsole();

  it('an invited workspace-viewer sees no create buttons until raised to workspace-member', async () => {
    const { page: adminPage } = fixture;
    await fixture.signIn();

    // The admin creates a workspace and invites Vera.
    await adminPage.getByRole('button', { name: 'Create workspace' }).first().click();
    const wsDialog = adminPage.getByRole('dialog', { name: 'Create workspace' });
    await wsDialog.getByLabel('Name').fill('Orchard');
    await wsDialog.getByRole('button', { name: 'Create workspace' }).click();
    await adminPage.waitForURL(/\/workspaces\/orchard$/);

    await adminPage.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('button', { name: 'Create user' }).click();
    const userDialog = adminPage.getByRole('dialog', { name: 'Create user' });
    await userDialog.getByLabel('Username').fill('vera');
    await userDialog.getByRole('button', { name: 'Create and invite' }).click();
    const inviteLink = (await adminPage.getByTestId('invite-link').textContent()) ?? '';
    expect(inviteLink).toMatch(/\/invite\?token=/);
    await adminPage.getByRole('row', { name: /vera/ }).getByText('invited').waitFor();

    await adminPage.goto('/workspaces/orchard/members');
    const addForm = adminPage.getByRole('form', { name: 'add member' });
    await addForm.getByLabel('Username').fill('vera');
    await addForm.getByLabel('Role').selectOption('workspace-viewer');
    await addForm.getByRole('button', { name: 'Add member' }).click();
    await adminPage.getByRole('table', { name: 'Members' }).getByRole('row', { name: /vera/ }).waitFor();

    // Vera follows the link, chooses a password and signs in.
    const vera = await fixture.newPage();
    await vera.goto(new URL(inviteLink).pathname + new URL(inviteLink).search);
    await vera.getByLabel('New password').fill('a-password-for-orchards');
    await vera.getByRole('button', { name: 'Set password' }).click();
    await vera.waitForURL(/\/sign-in/);
    await fixture.signIn(vera, 'vera', 'a-password-for-orchards');
    await vera.getByRole('link', { name: 'Orchard' }).first().click();
    await vera.getByRole('heading', { name: 'Orchard' }).waitFor();
    await vera.getByRole('heading', { name: 'Projects' }).waitFor();
    // What she cannot change is shown disabled, with the reason on hover. Gates render
    // nothing until her permissions have loaded, so wait for this one before counting.
    const edit = vera.getByRole('button', { name: 'Edit' });
    await edit.waitFor();
    expect(await vera.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    expect(await vera.getByRole('button', { name: 'Create workspace' }).count()).toBe(0);
    expect(await edit.isDisabled()).toBe(true);
    expect(await edit.getAttribute('title')).toMatch(/workspace\.update/);
    expect(await vera.getByRole('link', { name: 'Users' }).count()).toBe(0);

    // The admin raises her to workspace-member; after a reload the button is there.
    await adminPage.getByLabel('Role of vera').selectOption('workspace-member');
    await adminPage.waitForResponse(
      (r) => r.url().includes('/members/vera') && r.request().method() === 'PATCH',
    );
    await vera.reload();
    await vera.getByRole('button', { name: 'Create project' }).waitFor();
  });
});

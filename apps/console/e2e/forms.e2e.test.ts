// The one form hook (src/components/form/use-form.ts) as a user meets it: the API's
// per-field details appear at their fields and go away when that field is edited, and a
// form-level error carries the request id to quote to support.
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, fieldError } from './helpers.ts';

describe.skipIf(browserSkipReason())('forms', () => {
  const fixture = useConsole();

  it('shows an API field error at its field until that field is edited, with the request id above', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'taken', name: 'Taken' });

    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create workspace' });
    await dialog.getByLabel('Name').fill('Taken');
    const refused = page.waitForResponse(
      (response) => response.url().endsWith('/api/v1/workspaces') && response.request().method() === 'POST',
    );
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    const body = (await (await refused).json()) as { statusCode: number; requestId: string };
    expect(body.statusCode).toBe(409);

    // The API's detail { field: 'body.slug', message: 'already taken' } is at the Slug field,
    // and the form's alert says where to look, with the request's id.
    expect(await (await fieldError(dialog, 'Slug')).textContent()).toBe('already taken');
    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(`request ${body.requestId}`);
    expect(await alert.textContent()).toContain('Correct the field marked below.');
    // The focus went to the field to fix (the submit button, disabled while sending, lost it).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')))
      .toBe('true');
    await expect
      .poll(() => dialog.getByLabel('Slug').evaluate((el) => el === document.activeElement))
      .toBe(true);

    // Editing another field leaves the slug's error; editing the slug clears it and the alert.
    await dialog.getByLabel('Description').fill('still taken');
    expect(await dialog.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Slug').fill('taken-2');
    await dialog.getByLabel('Slug').and(dialog.locator(':not([aria-invalid])')).waitFor();
    expect(await dialog.locator('.field-error').count()).toBe(0);
    expect(await alert.count()).toBe(0);

    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/workspaces\/taken-2$/);
  });

  it('offers Save in an edit form only once a value differs from the stored one', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'edited', name: 'Edited', description: 'first' });
    await page.goto('/workspaces/edited');
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit workspace' });
    const save = dialog.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await dialog.getByLabel('Description').fill('second');
    expect(await save.isEnabled()).toBe(true);
    // Typed back to what is stored: nothing to save again.
    await dialog.getByLabel('Description').fill('first');
    expect(await save.isDisabled()).toBe(true);
    await dialog.getByLabel('Description').fill('second');
    await save.click();
    await dialog.waitFor({ state: 'hidden' });
    const stored = (await (await api(page, 'GET', '/api/v1/workspaces/edited')).json()) as {
      description: string;
    };
    expect(stored.description).toBe('second');
  });

  it('shows a form-level error with the request id of the refused request', async () => {
    const { page } = fixture;
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const body = (await (await refused).json()) as { requestId: string; message: string };
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(body.message);
    expect(await alert.textContent()).toContain(`request ${body.requestId}`);
  });
});

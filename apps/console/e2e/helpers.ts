// Helpers shared by the browser tests: API calls as a page's user, and locators that
// name one element only (strict mode never meets two matches, whatever the timing).
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Calls the API as the signed-in user of `page` (its cookies, its CSRF token); fails on a non-2xx. */
export async function api(
  page: Page,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  data?: object,
) {
  const me = await page.request.get('/api/v1/me');
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  const response = await page.request.fetch(url, {
    method,
    headers: { 'x-csrf-token': csrfToken },
    ...(data ? { data } : {}),
  });
  expect(response.ok(), `${method} ${url}: ${await response.text()}`).toBe(true);
  return response;
}

/**
 * The error message of the form control labelled `label` inside `scope`: the element its
 * `aria-describedby` names once it is `aria-invalid` (not any other text that says the same,
 * such as the form's error banner).
 */
export async function fieldError(scope: Locator, label: string): Promise<Locator> {
  // Not exact: a required field's label ends in " *".
  const control = scope.getByLabel(label);
  await control.and(scope.locator('[aria-invalid="true"]')).waitFor();
  const id = await control.getAttribute('aria-describedby');
  if (!id) throw new Error(`the field ${label} is invalid but names no message`);
  return scope.locator(`[id="${id}"]`);
}

/**
 * Saves the pipeline page's text as a new revision: Save… opens the dialog that asks for
 * the revision's optional message, whose Save stores it.
 */
export async function savePipeline(page: Page, message = ''): Promise<void> {
  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Save revision \d+$/ });
  if (message) await dialog.getByLabel('Message (optional)').fill(message);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
}

/** Run `number`'s heading once it shows `status` (a regular expression; live, without reloading). */
export function runHeading(page: Page, number: number, status: string): Locator {
  return page.getByRole('heading', { name: new RegExp(`^Run #${number}\\s+${status}$`) });
}

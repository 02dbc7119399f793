import { createHmac } from 'node:crypto';
import { type HttpReceiver, startHttpReceiver } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

// The workspace's notification channels in the browser (issue #14): an admin adds a signed
// webhook channel, sends a test that a real HTTP receiver gets, sees a receiver that is down
// in the delivery log, edits the channel and deletes it.

const SECRET = 'a-signing-secret';

describe.skipIf(browserSkipReason())('notification channels in a browser', () => {
  const fixture = useConsole();
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('create a signed webhook channel, test it (delivered, then a 503 in the log), edit and delete it', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'alerts', name: 'Alerts' });
    await page.goto(paths.workspace('alerts'));
    await page
      .getByRole('navigation', { name: 'Workspaces' })
      .getByRole('link', { name: 'Notifications' })
      .click();
    await page.getByText('No notification channels yet.').waitFor();

    await page.getByRole('button', { name: 'Create channel' }).first().click();
    const create = page.getByRole('dialog', { name: 'Create channel' });
    await create.getByLabel('Name').fill('ops-hook');
    await create.getByLabel('Type').selectOption('webhook');
    await create.getByLabel('URL').fill(`${receiver.url}/hooks/slipway`);
    await create.getByLabel('Signing secret').fill(SECRET);
    await create.getByLabel('release.failed — a release failed').check();
    await create.getByRole('button', { name: 'Create channel' }).click();
    await create.waitFor({ state: 'hidden' });
    const table = page.getByRole('table', { name: 'Notification channels' });
    const row = table.getByRole('row', { name: /ops-hook/ });
    expect(await row.textContent()).toContain('signed');
    expect(await row.textContent()).toContain('release.failed');

    // A test notification reaches the receiver, signed with the channel's secret.
    await row.getByRole('button', { name: 'Send test' }).click();
    const deliveries = page.getByRole('table', { name: 'Deliveries of ops-hook' });
    await deliveries.getByText('delivered', { exact: true }).waitFor({ timeout: 120_000 });
    const received = receiver.requests.at(-1);
    expect(received?.path).toBe('/hooks/slipway');
    const signature = createHmac('sha256', SECRET)
      .update(received?.body ?? '')
      .digest('hex');
    expect(received?.headers['x-slipway-signature']).toBe(`sha256=${signature}`);

    // The receiver is down: the delivery log says so (the answer it gave).
    receiver.answer(503);
    await row.getByRole('button', { name: 'Send test' }).click();
    await deliveries.getByText('503', { exact: true }).waitFor({ timeout: 120_000 });

    // Edit: no secret any more, disabled.
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit channel' });
    await edit.getByLabel('Remove the signing secret').check();
    await edit.getByLabel('Enabled').uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await row.getByText('unsigned', { exact: false }).waitFor();
    await row.getByText('disabled', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete channel' })
      .getByRole('button', { name: 'Delete channel' })
      .click();
    await page.getByText('No notification channels yet.').waitFor();
  });
});

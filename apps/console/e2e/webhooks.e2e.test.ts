import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api } from './helpers.ts';

const PIPELINE = `parameters:
  - name: target
    type: string
releaseTypes:
  full:
    parameters: [target]
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - run: echo "building \${{ params.target }}"
`;

/** What GitHub sends for a push to `branch`, signed with the webhook's secret. */
async function deliverPush(url: string, secret: string, branch: string) {
  const body = JSON.stringify({
    ref: `refs/heads/${branch}`,
    after: 'f'.repeat(40),
    commits: [{ id: 'f'.repeat(40), added: [], modified: ['src/index.ts'], removed: [] }],
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { outcome: string; reason: string } };
}

describe.skipIf(browserSkipReason())('webhooks in the console', () => {
  const fixture = useConsole();

  it('creates a GitHub webhook, shows its secret once, and lists a signed delivery as triggered', async () => {
    const { page } = fixture;
    await fixture.signIn();
    await api(page, 'POST', '/api/v1/workspaces', { slug: 'harbour', name: 'Harbour' });
    await api(page, 'POST', '/api/v1/workspaces/harbour/projects', { slug: 'app', name: 'App' });
    await api(page, 'POST', '/api/v1/workspaces/harbour/environments', { name: 'dev' });
    await api(page, 'POST', '/api/v1/workspaces/harbour/projects/app/pipelines', {
      name: 'ci',
      spec: PIPELINE,
    });

    await page.goto('/workspaces/harbour/projects/app');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create webhook' });
    await dialog.getByLabel('Name', { exact: true }).fill('github-main');
    await dialog.getByLabel('Branches', { exact: true }).fill('main\nrelease/*');
    await dialog.getByLabel('Pipeline', { exact: true }).selectOption('ci');
    await dialog.getByLabel('Release type', { exact: true }).selectOption('full');
    await dialog.getByLabel('Environment', { exact: true }).selectOption('dev');
    await dialog.getByLabel('Parameters', { exact: true }).fill('target=web');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();

    const created = page.getByRole('dialog', { name: 'Webhook created' });
    const url = (await created.getByTestId('webhook-url').textContent()) ?? '';
    const secret = (await created.getByTestId('webhook-secret').textContent()) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hooks\/[0-9a-f-]{36}$/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await created.getByRole('button', { name: 'Done' }).click();
    const webhooks = page.getByRole('table', { name: 'Webhooks' });
    await webhooks.getByText('ci · full → dev').waitFor();
    // Shown once: nowhere on the page (or in the API's answers) afterwards.
    expect(await page.content()).not.toContain(secret);

    const push = await deliverPush(url, secret, 'main');
    expect(push).toMatchObject({ status: 200, body: { outcome: 'triggered' } });
    const feature = await deliverPush(url, secret, 'feature/x');
    expect(feature.body.outcome).toBe('ignored');
    expect((await deliverPush(url, 'a-guessed-secret', 'main')).status).toBe(401);

    // The deliveries refresh by themselves: newest first, each with what it did.
    const deliveries = page.getByRole('table', { name: 'Deliveries of github-main' });
    const rows = deliveries.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => rows.nth(0).textContent()).toMatch(/rejected.*does not match/);
    await expect
      .poll(() => rows.nth(1).textContent())
      .toMatch(/refs\/heads\/feature\/x.*ignored.*release\/\*/);
    await expect.poll(() => rows.nth(2).textContent()).toMatch(/refs\/heads\/main.*triggered/);
    await deliveries.getByRole('link', { name: 'Run #1' }).click();
    await page.waitForURL(/\/workspaces\/harbour\/projects\/app\/pipelines\/ci\/runs\/1$/);

    // Disabled: the next push is received but starts nothing.
    await page.goBack();
    await webhooks.getByRole('button', { name: 'Disable' }).click();
    await webhooks.getByText('disabled', { exact: true }).waitFor();
    expect((await deliverPush(url, secret, 'main')).body).toEqual({
      outcome: 'ignored',
      reason: 'the webhook is disabled',
    });
  });
});

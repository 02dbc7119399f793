import { createHmac, randomUUID } from 'node:crypto';
import type { CreatedWebhook, Run, Webhook, WebhookDelivery, WebhookReceipt } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
} from '../../../test/helper.ts';
import { createSecretBox } from '../../lib/secret-box.ts';

const PASSWORD = 'webhooks-test-password';
const PROJECT = '/api/v1/workspaces/acme/projects/shop';
const WEBHOOKS = `${PROJECT}/webhooks`;
const SECRET = 'github-shared-secret-for-tests';
const SHA = 'c0ffee'.padEnd(40, '0');
const SPEC = `parameters:
  - name: target
    type: string
    default: all
releaseTypes:
  full:
    parameters: [target]
  quick: {}
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        steps:
          - run: echo build
`;

interface Push {
  ref: string;
  changed?: string[];
  deleted?: boolean;
}

function githubPushBody({ ref, changed = ['src/app.ts'], deleted = false }: Push): string {
  return JSON.stringify({
    ref,
    before: SHA,
    after: deleted ? '0'.repeat(40) : SHA,
    deleted,
    commits: deleted ? [] : [{ id: SHA, added: [], modified: changed, removed: [] }],
    repository: { full_name: 'acme/shop' },
  });
}

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe.skipIf(postgresSkipReason())('project webhooks', () => {
  let t: TestApp;
  let admin: SignedInClient;

  async function createWebhook(client: SignedInClient, payload: object) {
    return client.request({ method: 'POST', url: WEBHOOKS, payload });
  }

  async function created(payload: object): Promise<CreatedWebhook> {
    const response = await createWebhook(admin, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as CreatedWebhook;
  }

  async function github(id: string, body: string, headers: Record<string, string> = {}) {
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/hooks/${id}`,
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(body),
        ...headers,
      },
    });
  }

  async function gitlab(id: string, token: string, event: 'Push Hook' | 'Tag Push Hook', ref: string) {
    const body = JSON.stringify({
      object_kind: event === 'Push Hook' ? 'push' : 'tag_push',
      ref,
      before: '0'.repeat(40),
      after: SHA,
      checkout_sha: SHA,
      total_commits_count: 0,
      commits: [],
    });
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/hooks/${id}`,
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': event,
        'x-gitlab-event-uuid': randomUUID(),
        'x-gitlab-token': token,
      },
    });
  }

  async function deliveries(name: string): Promise<WebhookDelivery[]> {
    const response = await admin.request({ method: 'GET', url: `${WEBHOOKS}/${name}/deliveries` });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: WebhookDelivery[] }).items;
  }

  async function run(number: number): Promise<Run> {
    const response = await admin.request({ method: 'GET', url: `${PROJECT}/pipelines/ci/runs/${number}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Run;
  }

  async function member(username: string, role: string): Promise<SignedInClient> {
    await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username, password: PASSWORD } });
    const added = await admin.request({
      method: 'POST',
      url: `${PROJECT}/members`,
      payload: { user: username, role },
    });
    expect(added.statusCode, added.body).toBe(201);
    return signIn(t.app, username, PASSWORD);
  }

  const mapping = { pipeline: 'ci', releaseType: 'full', environment: 'dev' };

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop');
    for (const payload of [{ name: 'dev' }, { name: 'prod', production: true }]) {
      const env = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/acme/environments',
        payload,
      });
      expect(env.statusCode, env.body).toBe(201);
    }
    const pipeline = await admin.request({
      method: 'POST',
      url: `${PROJECT}/pipelines`,
      payload: { name: 'ci', spec: SPEC },
    });
    expect(pipeline.statusCode, pipeline.body).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('starts the mapped run for a signed GitHub push, and returns the secret only once', async () => {
    const hook = await created({
      name: 'gh',
      provider: 'github',
      secret: SECRET,
      events: ['push'],
      ...mapping,
      parameters: { target: 'web' },
    });
    expect(hook).toMatchObject({ secret: SECRET, hasSecret: true, runsAs: 'admin', enabled: true });
    expect(hook.receiverPath).toBe(`/api/v1/hooks/${hook.id}`);
    const read = await admin.request({ method: 'GET', url: `${WEBHOOKS}/gh` });
    expect(read.json()).not.toHaveProperty('secret');
    expect(read.body).not.toContain(SECRET);
    const listed = await admin.request({ method: 'GET', url: WEBHOOKS });
    expect(listed.body).not.toContain(SECRET);
    const stored = await t.db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secretEncrypted).not.toContain(SECRET);

    const body = githubPushBody({ ref: 'refs/heads/main' });
    const response = await github(hook.id, body, { 'x-github-delivery': 'delivery-1' });
    expect(response.statusCode, response.body).toBe(200);
    const receipt = response.json() as WebhookReceipt;
    expect(receipt).toMatchObject({ outcome: 'triggered', run: { pipeline: 'ci', number: 1 } });
    const started = await run(1);
    expect(started).toMatchObject({
      trigger: 'webhook',
      ref: 'main',
      releaseType: 'full',
      environment: 'dev',
      triggeredBy: 'admin',
      parameters: { target: 'web' },
    });

    // GitHub's "Redeliver" sends the same delivery id: the same run answers, no second one.
    const again = await github(hook.id, body, { 'x-github-delivery': 'delivery-1' });
    expect(again.json()).toMatchObject({ outcome: 'triggered', run: { number: 1 } });
    expect(await t.db.prisma.pipelineRun.count({ where: { trigger: 'webhook' } })).toBe(1);
    // The same delivery id for another push is refused (422 naming the header), not mapped to run 1.
    const reused = await github(hook.id, githubPushBody({ ref: 'refs/heads/other' }), {
      'x-github-delivery': 'delivery-1',
    });
    expect(reused.statusCode, reused.body).toBe(422);
    expect(reused.json()).toMatchObject({ details: [{ field: 'headers.x-github-delivery' }] });
    expect(await t.db.prisma.pipelineRun.count({ where: { trigger: 'webhook' } })).toBe(1);
    const [delivery, ...rest] = await deliveries('gh');
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({
      deliveryId: 'delivery-1',
      event: 'push',
      ref: 'refs/heads/main',
      commit: SHA,
      outcome: 'triggered',
      runNumber: 1,
    });
  });

  it('refuses a wrong or missing signature with 401, a rejected delivery and an audit entry', async () => {
    const hook = (await admin.request({ method: 'GET', url: `${WEBHOOKS}/gh` })).json() as Webhook;
    const body = githubPushBody({ ref: 'refs/heads/main' });
    const forged = await github(hook.id, body, { 'x-hub-signature-256': sign(body, 'a-guessed-secret!!') });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ message: expect.stringMatching(/does not match/) });
    const unsigned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/hooks/${hook.id}`,
      payload: body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
    });
    expect(unsigned.statusCode).toBe(401);

    const rejected = (await deliveries('gh')).filter((d) => d.outcome === 'rejected');
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({
      deliveryId: null,
      runNumber: null,
      reason: expect.stringMatching(/missing/),
    });
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { action: 'rejectWebhookDelivery', requestId: forged.headers['x-request-id'] as string },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        actorVia: 'anonymous',
        objectName: 'acme/shop/gh',
        workspace: 'acme',
        project: 'shop',
        outcome: 'unauthenticated',
        statusCode: 401,
      }),
    ]);
    const trail = await t.db.prisma.auditEvent.findMany({
      where: { action: 'receiveWebhook', outcome: 'unauthenticated', objectName: hook.id },
    });
    expect(trail).toHaveLength(2);
    expect(await t.db.prisma.pipelineRun.count({ where: { trigger: 'webhook' } })).toBe(1);
  });

  it('answers 404 for an unknown webhook and 413 for an oversized payload', async () => {
    expect((await github(randomUUID(), '{}')).statusCode).toBe(404);
    expect((await github('not-a-uuid', '{}')).statusCode).toBe(404);
    const hook = (await admin.request({ method: 'GET', url: `${WEBHOOKS}/gh` })).json() as Webhook;
    const huge = JSON.stringify({ ref: 'refs/heads/main', padding: 'x'.repeat(70 * 1024) });
    expect((await github(hook.id, huge)).statusCode).toBe(413);
  });

  it('answers a ping, ignores deletions and other events, and reads form-encoded payloads', async () => {
    const hook = (await admin.request({ method: 'GET', url: `${WEBHOOKS}/gh` })).json() as Webhook;
    const ping = await github(hook.id, JSON.stringify({ zen: 'Keep it simple.' }), {
      'x-github-event': 'ping',
    });
    expect(ping.statusCode).toBe(200);
    expect(ping.json()).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^ping/) });
    const deletion = await github(hook.id, githubPushBody({ ref: 'refs/heads/old', deleted: true }));
    expect(deletion.json()).toEqual({ outcome: 'ignored', reason: 'branch "old" was deleted' });
    const issue = await github(hook.id, JSON.stringify({ action: 'opened' }), { 'x-github-event': 'issues' });
    expect(issue.json()).toMatchObject({ outcome: 'ignored' });

    const form = `payload=${encodeURIComponent(githubPushBody({ ref: 'refs/heads/form' }))}`;
    const posted = await github(hook.id, form, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-hub-signature-256': sign(form),
    });
    expect(posted.json()).toMatchObject({ outcome: 'triggered' });
    expect((await run((posted.json() as WebhookReceipt).run?.number ?? 0)).ref).toBe('form');
  });

  it('verifies GitLab tokens and runs tag pushes matching the tag filter', async () => {
    const hook = await created({
      name: 'gl',
      provider: 'gitlab',
      events: ['tag'],
      tags: ['v*'],
      ...mapping,
      releaseType: 'quick',
    });
    expect(hook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const tagged = await gitlab(hook.id, hook.secret, 'Tag Push Hook', 'refs/tags/v1.4.0');
    expect(tagged.statusCode, tagged.body).toBe(200);
    const receipt = tagged.json() as WebhookReceipt;
    expect(receipt.outcome).toBe('triggered');
    expect(await run(receipt.run?.number ?? 0)).toMatchObject({
      ref: 'refs/tags/v1.4.0',
      releaseType: 'quick',
    });

    expect((await gitlab(hook.id, hook.secret, 'Tag Push Hook', 'refs/tags/nightly')).json()).toEqual({
      outcome: 'ignored',
      reason: 'tag "nightly" matches none of the tag filters: v*',
    });
    expect((await gitlab(hook.id, hook.secret, 'Push Hook', 'refs/heads/main')).json()).toMatchObject({
      outcome: 'ignored',
      reason: 'push events are not enabled (events: tag)',
    });
    expect((await gitlab(hook.id, 'not-the-token', 'Tag Push Hook', 'refs/tags/v2')).statusCode).toBe(401);
    expect((await deliveries('gl')).map((d) => d.outcome)).toEqual([
      'rejected',
      'ignored',
      'ignored',
      'triggered',
    ]);
  });

  it('filters branches by glob and pushes by changed paths, naming the filter that said no', async () => {
    const hook = await created({
      name: 'docs',
      provider: 'github',
      secret: SECRET,
      events: ['push'],
      branches: ['release/*'],
      paths: ['docs/**'],
      ...mapping,
    });
    const feature = await github(
      hook.id,
      githubPushBody({ ref: 'refs/heads/feature/x', changed: ['docs/a.md'] }),
    );
    expect(feature.json()).toEqual({
      outcome: 'ignored',
      reason: 'branch "feature/x" matches none of the branch filters: release/*',
    });
    const code = await github(
      hook.id,
      githubPushBody({ ref: 'refs/heads/release/1.0', changed: ['src/x.ts'] }),
    );
    expect(code.json()).toEqual({
      outcome: 'ignored',
      reason: 'none of the 1 changed files matches the path filters: docs/**',
    });
    const docs = await github(
      hook.id,
      githubPushBody({ ref: 'refs/heads/release/1.0', changed: ['src/x.ts', 'docs/guide/setup.md'] }),
    );
    expect(docs.json()).toMatchObject({ outcome: 'triggered' });
    expect((await run((docs.json() as WebhookReceipt).run?.number ?? 0)).ref).toBe('release/1.0');
  });

  it('validates the mapping on create and update, naming the field', async () => {
    const base = { name: 'bad', provider: 'github', events: ['push'], ...mapping };
    const cases: [object, string][] = [
      [{ pipeline: 'nope' }, 'body.pipeline'],
      [{ environment: 'nowhere' }, 'body.environment'],
      [{ releaseType: 'huge' }, 'body.releaseType'],
      [{ parameters: { colour: 'red' } }, 'body.parameters.colour'],
      [{ events: [] }, 'body.events'],
      [{ provider: 'bitbucket' }, 'body.provider'],
    ];
    for (const [change, field] of cases) {
      const response = await createWebhook(admin, { ...base, ...change });
      expect(response.statusCode, `${field}: ${response.body}`).toBe(400);
      expect(response.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const duplicate = await createWebhook(admin, { ...base, name: 'gh' });
    expect(duplicate.statusCode).toBe(409);
    const update = await admin.request({
      method: 'PATCH',
      url: `${WEBHOOKS}/gh`,
      payload: { environment: 'nowhere' },
    });
    expect(update.statusCode).toBe(400);
  });

  it('lets project admins manage webhooks and viewers and developers only read them', async () => {
    const viewer = await member('vera', 'viewer');
    const developer = await member('dev', 'developer');
    const projectAdmin = await member('pam', 'project-admin');
    const payload = { name: 'theirs', provider: 'github', events: ['push'], ...mapping };
    expect((await createWebhook(viewer, payload)).statusCode).toBe(403);
    expect((await createWebhook(developer, payload)).statusCode).toBe(403);
    const list = await viewer.request({ method: 'GET', url: WEBHOOKS });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(SECRET);
    expect((await viewer.request({ method: 'GET', url: `${WEBHOOKS}/gh/deliveries` })).statusCode).toBe(200);
    const disable = { method: 'PATCH' as const, url: `${WEBHOOKS}/gh`, payload: { enabled: false } };
    expect((await developer.request(disable)).statusCode).toBe(403);
    expect((await developer.request({ method: 'DELETE', url: `${WEBHOOKS}/gh` })).statusCode).toBe(403);

    const mine = await createWebhook(projectAdmin, payload);
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({ runsAs: 'pam' });

    // Its runs would act as whoever saves it: saving needs the right to run there too.
    const role = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/acme/roles',
      payload: { name: 'hook-keeper', scope: 'project', permissions: ['project.read', 'project.update'] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const keeper = await member('kim', 'hook-keeper');
    const refused = await createWebhook(keeper, { ...payload, name: 'kims' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().details).toEqual([
      { field: 'body.pipeline', message: 'needs the permission pipeline.run' },
    ]);
  });

  it('ignores deliveries while disabled, and records a refused run as failed', async () => {
    const hook = (await admin.request({ method: 'GET', url: `${WEBHOOKS}/theirs` })).json() as Webhook;
    const secret = (
      await admin.request({
        method: 'PATCH',
        url: `${WEBHOOKS}/theirs`,
        payload: { secret: SECRET, enabled: false },
      })
    ).json() as Webhook;
    expect(secret).toMatchObject({ enabled: false, runsAs: 'admin' });
    expect((await github(hook.id, githubPushBody({ ref: 'refs/heads/main' }))).json()).toEqual({
      outcome: 'ignored',
      reason: 'the webhook is disabled',
    });

    // Saved by pam, who is then disabled: the delivery fails and says why.
    const pam = await signIn(t.app, 'pam', PASSWORD);
    const enabled = await pam.request({
      method: 'PATCH',
      url: `${WEBHOOKS}/theirs`,
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, runsAs: 'pam' });
    await admin.request({ method: 'PATCH', url: '/api/v1/users/pam', payload: { disabled: true } });
    expect((await github(hook.id, githubPushBody({ ref: 'refs/heads/main' }))).json()).toEqual({
      outcome: 'failed',
      reason: 'the user who set up this webhook (pam) is disabled',
    });
    await admin.request({ method: 'PATCH', url: '/api/v1/users/pam', payload: { disabled: false } });
    await admin.request({ method: 'DELETE', url: `${PROJECT}/members/pam` });
    const refused = (
      await github(hook.id, githubPushBody({ ref: 'refs/heads/main' }))
    ).json() as WebhookReceipt;
    expect(refused).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^the run was refused: /),
    });
    expect((await deliveries('theirs'))[0]).toMatchObject({ outcome: 'failed', reason: refused.reason });
  });

  it('deletes a webhook with its deliveries', async () => {
    const removed = await admin.request({ method: 'DELETE', url: `${WEBHOOKS}/docs` });
    expect(removed.statusCode).toBe(204);
    expect((await admin.request({ method: 'GET', url: `${WEBHOOKS}/docs` })).statusCode).toBe(404);
    const names = ((await admin.request({ method: 'GET', url: WEBHOOKS })).json() as { items: Webhook[] })
      .items;
    expect(names.map((w) => w.name)).toEqual(['gh', 'gl', 'theirs']);
  });

  it('stores a secret parameter’s value encrypted, shows it masked, keeps it when sent back masked, and runs with it', async () => {
    const saved = await admin.request({
      method: 'POST',
      url: `${PROJECT}/pipelines`,
      payload: {
        name: 'vault',
        spec: `parameters:\n  - name: token\n    type: secret\n${SPEC.slice(SPEC.indexOf('stages:'))}`,
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const value = 'hook-secret-param-5c1d';
    const hook = await created({
      name: 'vault-hook',
      provider: 'github',
      secret: SECRET,
      events: ['push'],
      pipeline: 'vault',
      releaseType: 'default',
      environment: 'dev',
      parameters: { token: value },
    });
    expect(hook.parameters).toEqual({ token: '***' });
    const row = async () =>
      JSON.stringify((await t.db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })).parameters);
    expect(await row()).not.toContain(value);
    // The masked value sent back (as an edit form shows it) keeps the stored one.
    const edited = await admin.request({
      method: 'PATCH',
      url: `${WEBHOOKS}/vault-hook`,
      payload: { parameters: { token: '***' } },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as Webhook).parameters).toEqual({ token: '***' });
    const listed = await admin.request({ method: 'GET', url: WEBHOOKS });
    expect(listed.body).not.toContain(value);
    expect(await row()).not.toContain(value);

    const delivered = await github(hook.id, githubPushBody({ ref: 'refs/heads/main' }));
    expect(delivered.statusCode, delivered.body).toBe(200);
    const run = await t.db.prisma.pipelineRun.findFirstOrThrow({ where: { pipeline: { name: 'vault' } } });
    expect(run.parameters).toEqual({ token: '***' });
    expect(JSON.parse(createSecretBox(TEST_SECRET_KEY).decrypt(run.secretValues ?? ''))).toEqual({
      token: value,
    });
  });
});

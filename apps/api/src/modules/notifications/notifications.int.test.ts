import { createHmac } from 'node:crypto';
import {
  type HttpReceiver,
  postgresSkipReason,
  type SmtpReceiver,
  startHttpReceiver,
  startSmtpReceiver,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
  until,
} from '../../../test/helper.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { admissionOf } from '../releases/release-admission.ts';
import { createReleasesRepo, type ReleaseInsert, type ReleasesRepo } from '../releases/releases.repo.ts';
import { reportingReleaseEvents } from './release-events.ts';

const SECRET = 'webhook-signing-secret';
const FROM = 'slipway@example.test';
const CHANNELS = (workspace: string) => `/api/v1/workspaces/${workspace}/notification-channels`;

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  recipients: string[];
  summary: string;
  nextAttemptAt: string | null;
}

function signatureOf(body: Buffer): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

describe.skipIf(postgresSkipReason())('notifications: channels, outbox and delivery', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let receiver: HttpReceiver;
  let down: HttpReceiver;
  let smtp: SmtpReceiver;
  let releases: ReleasesRepo;
  const users: Record<string, string> = {};

  async function deliveriesOf(workspace: string, channel: string): Promise<Delivery[]> {
    const response = await admin.request({
      method: 'GET',
      url: `${CHANNELS(workspace)}/${channel}/deliveries`,
    });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: Delivery[] }).items;
  }

  async function createChannel(workspace: string, body: object): Promise<void> {
    const response = await admin.request({ method: 'POST', url: CHANNELS(workspace), payload: body });
    expect(response.statusCode, response.body).toBe(201);
  }

  /** A release of `project` into `environment`, admitted by the environment's policy, started by alice. */
  async function insertRelease(
    workspace: string,
    project: string,
    environment: string,
    /** A rollback asked for with this Idempotency-Key (`insertOnce`). */
    idempotencyKey?: string,
  ) {
    const prisma = t.db.prisma;
    const env = await prisma.environment.findFirstOrThrow({
      where: { name: environment, workspace: { slug: workspace } },
    });
    const row = await prisma.project.findFirstOrThrow({
      where: { slug: project, workspace: { slug: workspace } },
    });
    const trigger = idempotencyKey ? 'rollback' : 'run';
    const admission = admissionOf({
      environment: env,
      trigger,
      requestedBy: { id: users.alice ?? null, name: 'alice' },
      now: new Date(),
    });
    const build = (): ReleaseInsert => ({
      trigger,
      environmentId: env.id,
      environmentName: env.name,
      clusterId: null,
      namespace: `${workspace}-${environment}`,
      status: admission.status,
      holdReason: admission.holdReason,
      approval: admission.status === 'awaiting-approval' ? admission.approval : undefined,
      objects: [],
      pipelineName: 'ci',
      runNumber: 7,
      createdById: users.alice ?? null,
      createdByName: 'alice',
      configs: [],
    });
    return idempotencyKey
      ? (await releases.insertOnce(row.id, { idempotencyKey, sameWaiting: null }, build)).release
      : releases.insert(row.id, build);
  }

  /** The release deployed: what the controller stores when its rollout is done. */
  async function succeed(id: string): Promise<void> {
    await t.db.prisma.release.update({ where: { id }, data: { status: 'deploying' } });
    const stored = await releases.step(id, { status: 'succeeded', phase: 'done', finishedAt: new Date() }, [
      'release succeeded',
    ]);
    expect(stored).toBe(true);
  }

  beforeAll(async () => {
    [receiver, down, smtp] = await Promise.all([
      startHttpReceiver(),
      startHttpReceiver(),
      startSmtpReceiver(),
    ]);
    down.answer(503);
    t = await buildTestApp({
      publicUrl: 'https://slipway.example.test',
      notifications: { smtpUrl: smtp.url, smtpFrom: FROM, attempts: 3, retryBaseMs: 300, pollMs: 50 },
    });
    t.notifications.sender.start();
    // The releases repository as the releases module wires it: reporting through the real notifier.
    releases = reportingReleaseEvents(createReleasesRepo(t.db.prisma), t.notifications.notify);
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'nw', 'shop');
    const production = {
      name: 'production',
      production: true,
      approvalPolicy: { requiredApprovals: 1, approverRole: 'operator', allowSelfApproval: false },
    };
    for (const payload of [production, { name: 'staging' }]) {
      const response = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/nw/environments',
        payload,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    // alice starts deploys, bob and carol may approve them, dave only reads, erin has no e-mail.
    for (const [username, role, email] of [
      ['alice', 'operator', 'alice@example.test'],
      ['bob', 'operator', 'bob@example.test'],
      ['carol', 'operator', 'Carol@Example.test'],
      ['dave', 'viewer', 'dave@example.test'],
      ['erin', 'operator', undefined],
    ] as const) {
      const created = await admin.request({
        method: 'POST',
        url: '/api/v1/users',
        payload: { username, password: 'notify-test-password', ...(email ? { email } : {}) },
      });
      expect(created.statusCode, created.body).toBe(201);
      const member = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/nw/projects/shop/members',
        payload: { user: username, role },
      });
      expect(member.statusCode, member.body).toBe(201);
      users[username] = (await t.db.prisma.user.findUniqueOrThrow({ where: { username } })).id;
    }
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([receiver?.close(), down?.close(), smtp?.close()]);
  });

  it('creates, lists, changes and deletes channels; bad input is a 400 naming the field; the secret is never returned', async () => {
    const refused = [
      [{ name: 'x', type: 'webhook' }, 'body.url'],
      [{ name: 'x', type: 'slack', url: `${receiver.url}/s`, secret: 'long-enough-secret' }, 'body.secret'],
      [{ name: 'x', type: 'email', url: `${receiver.url}/e` }, 'body.url'],
      [
        { name: 'x', type: 'webhook', url: `${receiver.url}/w`, recipients: ['a@example.test'] },
        'body.recipients',
      ],
      [{ name: 'x', type: 'email', recipients: ['not-an-address'] }, 'body.recipients[0]'],
      [{ name: 'x', type: 'webhook', url: 'ftp://example.test/' }, 'body.url'],
      [{ name: 'x', type: 'pager', url: `${receiver.url}/p` }, 'body.type'],
      [
        { name: 'x', type: 'webhook', url: `${receiver.url}/w`, events: ['release.exploded'] },
        'body.events[0]',
      ],
    ] as const;
    for (const [payload, field] of refused) {
      const response = await admin.request({ method: 'POST', url: CHANNELS('nw'), payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const details = (response.json() as { details?: { field: string }[] }).details ?? [];
      expect(
        details.map((d) => d.field),
        JSON.stringify(payload),
      ).toContain(field);
    }

    const created = await admin.request({
      method: 'POST',
      url: CHANNELS('nw'),
      payload: { name: 'crud', type: 'webhook', url: `${receiver.url}/crud`, secret: SECRET },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'crud',
      type: 'webhook',
      hasSecret: true,
      events: [],
      enabled: true,
    });
    expect(created.body).not.toContain(SECRET);
    const again = await admin.request({
      method: 'POST',
      url: CHANNELS('nw'),
      payload: { name: 'crud', type: 'slack', url: `${receiver.url}/crud` },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ details: [{ field: 'body.name' }] });

    const list = await admin.request({ method: 'GET', url: CHANNELS('nw') });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(SECRET);
    const stored = await t.db.prisma.notificationChannel.findFirstOrThrow({ where: { name: 'crud' } });
    expect(stored.secretEncrypted).not.toContain(SECRET);

    const changed = await admin.request({
      method: 'PATCH',
      url: `${CHANNELS('nw')}/crud`,
      payload: { events: ['release.failed'], secret: null, enabled: false },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ hasSecret: false, events: ['release.failed'], enabled: false });
    const wrong = await admin.request({
      method: 'PATCH',
      url: `${CHANNELS('nw')}/crud`,
      payload: { recipients: ['ops@example.test'] },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ details: [{ field: 'body.recipients' }] });

    const removed = await admin.request({ method: 'DELETE', url: `${CHANNELS('nw')}/crud` });
    expect(removed.statusCode).toBe(204);
    const gone = await admin.request({ method: 'GET', url: `${CHANNELS('nw')}/crud/deliveries` });
    expect(gone.statusCode).toBe(404);
  });

  it('keeps a channel URL secret: stored encrypted, shown masked, the mask sent back keeps it; a URL stored plain before still works and is sealed by the next save', async () => {
    const token = 'T0001/B0001/slack-url-token-canary';
    const url = `${receiver.url}/services/${token}`;
    const masked = `${new URL(receiver.url).origin}/***`;
    const created = await admin.request({
      method: 'POST',
      url: CHANNELS('nw'),
      payload: { name: 'chat-secret', type: 'slack', url },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().url).toBe(masked);
    const list = await admin.request({ method: 'GET', url: CHANNELS('nw') });
    expect(list.body).not.toContain('slack-url-token-canary');
    expect(list.json().items.find((c: { name: string }) => c.name === 'chat-secret').url).toBe(masked);
    const stored = await t.db.prisma.notificationChannel.findFirstOrThrow({ where: { name: 'chat-secret' } });
    expect(stored.url).toBeNull();
    expect(stored.urlEncrypted).not.toContain('slack-url-token-canary');

    // A form that shows the channel sends its masked URL back: the stored one stays.
    const kept = await admin.request({
      method: 'PATCH',
      url: `${CHANNELS('nw')}/chat-secret`,
      payload: { url: masked, events: ['release.failed'] },
    });
    expect(kept.statusCode, kept.body).toBe(200);
    // A mask that is not this channel's as shown (its scheme edited) is no receiver: refused.
    const otherMask = masked.replace(/^http:/, 'https:');
    for (const sent of [
      { method: 'PATCH' as const, url: `${CHANNELS('nw')}/chat-secret`, payload: { url: otherMask } },
      {
        method: 'POST' as const,
        url: CHANNELS('nw'),
        payload: { name: 'copied-mask', type: 'slack', url: masked },
      },
    ]) {
      const refused = await admin.request(sent);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().details).toEqual([expect.objectContaining({ field: 'body.url' })]);
    }
    expect(
      (await admin.request({ method: 'POST', url: `${CHANNELS('nw')}/chat-secret/test` })).statusCode,
    ).toBe(201);
    await until('the test message at the stored URL', async () =>
      receiver.requests.find((r) => r.path === `/services/${token}`),
    );
    const audit = await admin.request({
      method: 'GET',
      url: '/api/v1/audit-events',
      query: { workspace: 'nw' },
    });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('chat-secret');
    expect(audit.body).not.toContain('slack-url-token-canary');

    // A channel saved before URLs were encrypted: its plain URL is read, and sealed on the next save.
    const legacy = `${receiver.url}/legacy/legacy-url-token`;
    await t.db.prisma.notificationChannel.update({
      where: { id: stored.id },
      data: { url: legacy, urlEncrypted: null },
    });
    expect((await admin.request({ method: 'GET', url: CHANNELS('nw') })).body).not.toContain(
      'legacy-url-token',
    );
    expect(
      (await admin.request({ method: 'POST', url: `${CHANNELS('nw')}/chat-secret/test` })).statusCode,
    ).toBe(201);
    await until('the test message at the legacy URL', async () =>
      receiver.requests.find((r) => r.path === '/legacy/legacy-url-token'),
    );
    const saved = await admin.request({
      method: 'PATCH',
      url: `${CHANNELS('nw')}/chat-secret`,
      payload: { enabled: true },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const sealed = await t.db.prisma.notificationChannel.findUniqueOrThrow({ where: { id: stored.id } });
    expect(sealed.url).toBeNull();
    expect(createSecretBox(TEST_SECRET_KEY).decrypt(sealed.urlEncrypted ?? '')).toBe(legacy);
    // The later tests count the workspace's channels.
    expect((await admin.request({ method: 'DELETE', url: `${CHANNELS('nw')}/chat-secret` })).statusCode).toBe(
      204,
    );
  });

  it('sends a test notification to a webhook, signed with HMAC-SHA256 over the raw body, and logs it', async () => {
    await createChannel('nw', {
      name: 'probe',
      type: 'webhook',
      url: `${receiver.url}/probe`,
      secret: SECRET,
    });
    const queued = await admin.request({ method: 'POST', url: `${CHANNELS('nw')}/probe/test` });
    expect(queued.statusCode, queued.body).toBe(201);
    const delivery = queued.json() as Delivery;
    expect(delivery).toMatchObject({ event: 'test', status: 'pending', attempts: 0 });
    const request = await until('the test notification', async () =>
      receiver.requests.find((r) => r.path === '/probe'),
    );
    expect(request.headers['x-slipway-signature']).toBe(signatureOf(request.body));
    expect(request.headers['x-slipway-event']).toBe('test');
    expect(request.headers['x-slipway-delivery']).toBe(delivery.id);
    expect(JSON.parse(request.body.toString())).toMatchObject({
      event: 'test',
      workspace: 'nw',
      requestedBy: 'admin',
      release: null,
    });
    const logged = await until('the delivery logged as delivered', async () => {
      const [latest] = await deliveriesOf('nw', 'probe');
      return latest?.status === 'delivered' ? latest : undefined;
    });
    expect(logged).toMatchObject({ id: delivery.id, attempts: 1, lastStatusCode: 200, lastError: null });
  });

  it('tells approvers by e-mail, chat and webhook when a release waits for approval, and the starter when it is deployed', async () => {
    await createChannel('nw', {
      name: 'hooks',
      type: 'webhook',
      url: `${receiver.url}/hooks`,
      secret: SECRET,
    });
    await createChannel('nw', {
      name: 'chat',
      type: 'slack',
      url: `${receiver.url}/chat`,
      events: ['approval.requested', 'release.succeeded'],
    });
    await createChannel('nw', { name: 'mail', type: 'email', recipients: ['ops@example.test'] });
    await createChannel('nw', { name: 'off', type: 'webhook', url: `${receiver.url}/off`, enabled: false });

    const release = await insertRelease('nw', 'shop', 'production');
    expect(release.status).toBe('awaiting-approval');

    const hook = await until('the webhook', async () =>
      receiver.requests.find(
        (r) => r.path === '/hooks' && r.headers['x-slipway-event'] === 'approval.requested',
      ),
    );
    expect(hook.headers['x-slipway-signature']).toBe(signatureOf(hook.body));
    const summary = 'nw/shop release 1 to production waits for approval (started by alice)';
    expect(JSON.parse(hook.body.toString())).toEqual({
      event: 'approval.requested',
      id: `approval.requested:${release.id}`,
      at: expect.any(String),
      workspace: 'nw',
      project: 'shop',
      environment: 'production',
      release: 1,
      run: { pipeline: 'ci', number: 7 },
      requestedBy: 'alice',
      decision: null,
      summary,
      url: 'https://slipway.example.test/workspaces/nw/projects/shop/releases/1',
    });

    const chat = await until('the chat message', async () =>
      receiver.requests.find((r) => r.path === '/chat'),
    );
    const message = JSON.parse(chat.body.toString()) as { text: string; blocks: { type: string }[] };
    expect(message.text).toBe(summary);
    expect(message.blocks.map((block) => block.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(message.blocks[0])).toContain(
      '<https://slipway.example.test/workspaces/nw/projects/shop/releases/1|',
    );

    const mail = await until('the approvers’ e-mail', async () => smtp.mails[0]);
    // Operators who may decide, and the channel's own address: not alice (she started it), not
    // dave (a viewer), not erin (no address).
    expect(mail.to.sort()).toEqual(['bob@example.test', 'carol@example.test', 'ops@example.test']);
    expect(mail.from).toBe(FROM);
    expect(mail.message.subject).toBe(`[Slipway] ${summary}`);
    expect(mail.message.text).toContain(
      'https://slipway.example.test/workspaces/nw/projects/shop/releases/1',
    );
    expect(receiver.requests.some((r) => r.path === '/off')).toBe(false);

    // Reported again (a deploy job's start that adopts its release): stored once per channel.
    await t.notifications.notify({ event: 'approval.requested', releaseId: release.id });
    const stored = await t.db.prisma.notificationDelivery.findMany({
      where: { eventKey: `approval.requested:${release.id}` },
    });
    const enabled = await t.db.prisma.notificationChannel.count({ where: { enabled: true } });
    expect(stored).toHaveLength(enabled);
    expect(new Set(stored.map((row) => row.channelId)).size).toBe(enabled);

    await succeed(release.id);
    const deployed = await until('the starter’s e-mail', async () =>
      smtp.mails.find((m) => m.message.subject === '[Slipway] nw/shop release 1 deployed to production'),
    );
    expect(deployed.to.sort()).toEqual(['alice@example.test', 'ops@example.test']);
    await until('release.succeeded at the webhook and the chat', async () =>
      receiver.requests.filter((r) => r.path === '/chat').length === 2 &&
      receiver.requests.some(
        (r) => r.path === '/hooks' && r.headers['x-slipway-event'] === 'release.succeeded',
      )
        ? true
        : undefined,
    );

    // A release refused at once: release.failed to the webhook and the starter; the chat does not take it.
    const staging = await t.db.prisma.environment.findFirstOrThrow({ where: { name: 'staging' } });
    const failed = await releases.insert(release.projectId, () => ({
      environmentId: staging.id,
      environmentName: 'staging',
      clusterId: null,
      namespace: 'nw-staging',
      status: 'failed',
      phase: 'done',
      message: 'not deployed, nothing applied: environment "staging" has no cluster',
      objects: [],
      createdById: users.alice ?? null,
      createdByName: 'alice',
      configs: [],
    }));
    const failure = await until('release.failed at the webhook', async () =>
      receiver.requests.find((r) => r.path === '/hooks' && r.headers['x-slipway-event'] === 'release.failed'),
    );
    expect(JSON.parse(failure.body.toString())).toMatchObject({
      release: failed.number,
      summary: `nw/shop release ${failed.number} to staging failed: not deployed, nothing applied: environment "staging" has no cluster`,
    });
    const chats = await deliveriesOf('nw', 'chat');
    expect(chats.map((d) => d.event)).toEqual(['release.succeeded', 'approval.requested']);
  });

  it('tells the starter and the channels when an approver decides', async () => {
    const release = await insertRelease('nw', 'shop', 'production');
    const approvalId = release.approval?.id;
    expect(approvalId).toBeDefined();
    const bob = await signIn(t.app, 'bob', 'notify-test-password');
    const decided = await bob.request({
      method: 'POST',
      url: `/api/v1/approvals/${approvalId}/decisions`,
      payload: { decision: 'reject', comment: 'not during the sale' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const summary = `nw/shop release ${release.number} to production rejected by bob: not during the sale`;
    const mail = await until('the starter’s e-mail', async () =>
      smtp.mails.find((m) => m.message.subject === `[Slipway] ${summary}`),
    );
    expect(mail.to.sort()).toEqual(['alice@example.test', 'ops@example.test']);
    const hook = await until('approval.decided at the webhook', async () =>
      receiver.requests.find(
        (r) => r.path === '/hooks' && r.headers['x-slipway-event'] === 'approval.decided',
      ),
    );
    expect(JSON.parse(hook.body.toString())).toMatchObject({
      id: `approval.decided:${release.id}:bob`,
      release: release.number,
      decision: { decision: 'reject', by: 'bob', comment: 'not during the sale' },
      summary,
    });
  });

  it('announces a rollback waiting for approval once, however often it is asked for', async () => {
    const first = await insertRelease('nw', 'shop', 'production', 'rollback-key-1');
    const again = await insertRelease('nw', 'shop', 'production', 'rollback-key-1');
    expect(again.id).toBe(first.id);
    expect(first.status).toBe('awaiting-approval');
    await until('the rollback’s approval request at the webhook', async () =>
      receiver.requests.find(
        (r) => r.path === '/hooks' && JSON.parse(r.body.toString()).id === `approval.requested:${first.id}`,
      ),
    );
    const stored = await t.db.prisma.notificationDelivery.findMany({
      where: { eventKey: `approval.requested:${first.id}` },
    });
    expect(stored).toHaveLength(await t.db.prisma.notificationChannel.count({ where: { enabled: true } }));
  });

  it('retries a receiver that is down with growing waits, then marks the delivery failed; the deploy and the other channels go on', async () => {
    await seedWorkspace(admin, 'dw', 'app', 'dev');
    await createChannel('dw', { name: 'down', type: 'webhook', url: `${down.url}/down` });
    await createChannel('dw', { name: 'up', type: 'webhook', url: `${receiver.url}/up` });
    const release = await insertRelease('dw', 'app', 'dev');
    expect(release.status).toBe('queued');
    await succeed(release.id);

    await until('the healthy channel', async () => receiver.requests.find((r) => r.path === '/up'));
    const failed = await until('the delivery failed', async () => {
      const [latest] = await deliveriesOf('dw', 'down');
      return latest?.status === 'failed' ? latest : undefined;
    });
    expect(failed).toMatchObject({
      event: 'release.succeeded',
      attempts: 3,
      lastStatusCode: 503,
      lastError: 'the receiver answered 503',
      nextAttemptAt: null,
    });
    const attempts = down.requests.filter((r) => r.path === '/down');
    expect(attempts).toHaveLength(3);
    // Backoff: 300 ms after the first failure, 600 ms after the second.
    const [first, second, third] = attempts.map((r) => r.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(300);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(600);
    const after = await t.db.prisma.release.findUniqueOrThrow({ where: { id: release.id } });
    expect(after.status).toBe('succeeded');
  });
});

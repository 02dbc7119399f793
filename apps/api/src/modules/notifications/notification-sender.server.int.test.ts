// The real server process on the embedded database (PGlite): the leader starts the sender, the
// SMTP settings come from the environment, and the outbox's SKIP LOCKED claims work there too.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  freeLoopbackPort,
  type HttpReceiver,
  type ServerProcess,
  type SmtpReceiver,
  startHttpReceiver,
  startServerProcess,
  startSmtpReceiver,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/helper.ts';

const PASSWORD = 'sender-server-test-password';

describe('the notification sender in the server process', () => {
  let server: ServerProcess;
  let receiver: HttpReceiver;
  let smtp: SmtpReceiver;
  let base = '';
  let headers: Record<string, string> = {};

  async function post(url: string, body?: object) {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    [receiver, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
    const port = await freeLoopbackPort();
    base = `http://127.0.0.1:${port}`;
    server = startServerProcess({
      PORT: String(port),
      SLIPWAY_DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'slipway-notify-')),
      SLIPWAY_DEMO: 'false',
      SLIPWAY_ADMIN_PASSWORD: PASSWORD,
      SLIPWAY_SMTP_URL: smtp.url,
      SLIPWAY_SMTP_FROM: 'Slipway <slipway@example.test>',
      // The receiver listens on loopback (the embedded default, said explicitly).
      SLIPWAY_ALLOW_LOCAL_NETWORK: 'true',
    });
    await server.waitUntilReady();
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    headers = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    expect((await post('/api/v1/workspaces', { slug: 'sw', name: 'sw' })).status).toBe(201);
  }, 300_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) expect((await server.stop()).code).toBe(0);
    await Promise.all([receiver?.close(), smtp?.close()]);
  });

  it('delivers test notifications to a webhook and over SMTP', async () => {
    const channels = '/api/v1/workspaces/sw/notification-channels';
    for (const channel of [
      { name: 'hook', type: 'webhook', url: `${receiver.url}/hook` },
      { name: 'mail', type: 'email', recipients: ['ops@example.test'] },
    ]) {
      expect((await post(channels, channel)).status).toBe(201);
      expect((await post(`${channels}/${channel.name}/test`)).status).toBe(201);
    }
    const request = await until('the webhook', async () => receiver.requests.find((r) => r.path === '/hook'));
    expect(request.headers['x-slipway-event']).toBe('test');
    const mail = await until('the e-mail', async () => smtp.mails[0]);
    expect(mail.to).toEqual(['ops@example.test']);
    expect(mail.from).toBe('slipway@example.test');
    expect(mail.message.subject).toBe(
      '[Slipway] Test notification of channel mail in workspace sw, sent by admin',
    );
  }, 300_000);
});

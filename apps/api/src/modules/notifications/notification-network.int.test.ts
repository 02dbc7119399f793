// Notification receivers in the local network (#17 item 6): with SLIPWAY_ALLOW_LOCAL_NETWORK
// off, a webhook or Slack URL at a local address is refused with 400 naming body.url, and a
// name that passed when saved but resolves to loopback at delivery (DNS rebinding) is not
// connected to: the delivery fails naming the setting, the receiver gets nothing.
import { type HttpReceiver, postgresSkipReason, startHttpReceiver } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAppOn,
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  until,
} from '../../../test/helper.ts';
import type { SlipwayApp } from '../../app.ts';
import type { ResolveHost } from '../../lib/outbound-guard.ts';

const CHANNELS = '/api/v1/workspaces/hooks/notification-channels';

describe.skipIf(postgresSkipReason())('notification receivers in the local network', () => {
  let t: TestApp;
  let strict: SlipwayApp;
  let client: SignedInClient;
  let receiver: HttpReceiver;
  /** How often `rebind.example.com` was resolved: public the first time, loopback after. */
  let rebindLookups = 0;
  const resolveHost: ResolveHost = async (hostname) => {
    if (hostname === 'rebind.example.com') {
      rebindLookups += 1;
      return [{ address: rebindLookups === 1 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    }
    if (hostname === 'internal.example.com') return [{ address: '10.20.30.40', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    t = await buildTestApp();
    strict = await buildAppOn(
      t,
      { allowLocalNetwork: false, notifications: { attempts: 1, pollMs: 50 } },
      { resolveHost },
    );
    strict.notifications.sender.start();
    client = await signIn(strict.app);
    await seedWorkspace(client, 'hooks');
  });
  afterAll(async () => {
    await strict?.notifications.sender.stop();
    await strict?.app.close();
    await t?.close();
    await receiver?.close();
  });

  it.each([
    ['webhook', 'http://127.0.0.1:9/hook', '127.0.0.1 is a loopback address'],
    ['slack', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    [
      'webhook',
      'https://internal.example.com/hook',
      'internal.example.com (10.20.30.40) is a private address',
    ],
    ['webhook', 'http://[fe80::1]/hook', 'fe80::1 is a link-local address'],
  ])('refuses a %s channel to %s with 400 naming body.url', async (type, url, reason) => {
    const refused = await client.request({
      method: 'POST',
      url: CHANNELS,
      payload: { name: 'local', type, url },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().details).toEqual([
      { field: 'body.url', message: expect.stringContaining(`${reason}: this server does not connect`) },
    ]);
    expect((await client.request({ method: 'GET', url: `${CHANNELS}/local` })).statusCode).toBe(404);
  });

  it('refuses changing a channel’s URL to a local address', async () => {
    const created = await client.request({
      method: 'POST',
      url: CHANNELS,
      payload: { name: 'public', type: 'webhook', url: 'https://hooks.example.org/x' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const changed = await client.request({
      method: 'PATCH',
      url: `${CHANNELS}/public`,
      payload: { url: 'http://127.0.0.1:9/x' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().details[0]).toMatchObject({
      field: 'body.url',
      message: expect.stringContaining('SLIPWAY_ALLOW_LOCAL_NETWORK=true'),
    });
  });

  it('does not deliver to a name that resolves to loopback after it was saved (DNS rebinding)', async () => {
    const created = await client.request({
      method: 'POST',
      url: CHANNELS,
      payload: {
        name: 'rebind',
        type: 'webhook',
        url: `http://rebind.example.com:${new URL(receiver.url).port}/hook`,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const queued = await client.request({ method: 'POST', url: `${CHANNELS}/rebind/test` });
    expect(queued.statusCode, queued.body).toBe(201);
    const failed = await until('the delivery failed', async () => {
      const deliveries = await client.request({ method: 'GET', url: `${CHANNELS}/rebind/deliveries` });
      const [latest] = (deliveries.json() as { items: { status: string; lastError: string | null }[] }).items;
      return latest?.status === 'failed' ? latest : undefined;
    });
    expect(failed.lastError).toContain(
      'rebind.example.com (127.0.0.1) is a loopback address: this server does not connect to the local network unless SLIPWAY_ALLOW_LOCAL_NETWORK=true',
    );
    expect(rebindLookups).toBeGreaterThanOrEqual(2);
    expect(receiver.requests).toEqual([]);
  });
});

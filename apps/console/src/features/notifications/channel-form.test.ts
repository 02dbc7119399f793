import { describe, expect, it } from 'vitest';
import { createChannelBody, initialChannelValues, recipientList, updateChannelBody } from './channel-form.ts';

describe('the notification channel form', () => {
  it('sends only the fields the channel type uses', () => {
    const webhook = {
      ...initialChannelValues(),
      name: 'ops',
      url: ' https://hooks.example.com/x ',
      secret: 's3cret-key',
    };
    expect(createChannelBody(webhook)).toEqual({
      name: 'ops',
      type: 'webhook',
      url: 'https://hooks.example.com/x',
      secret: 's3cret-key',
      events: [],
      enabled: true,
    });
    const email = { ...webhook, type: 'email' as const, recipients: 'a@x.io, b@y.io\n\nc@z.io' };
    expect(createChannelBody(email)).toEqual({
      name: 'ops',
      type: 'email',
      recipients: ['a@x.io', 'b@y.io', 'c@z.io'],
      events: [],
      enabled: true,
    });
  });

  it('keeps, replaces or removes a webhook secret on edit', () => {
    const channel = {
      name: 'ops',
      type: 'webhook' as const,
      url: 'https://hooks.example.com/x',
      hasSecret: true,
      recipients: [],
      events: ['release.failed' as const],
      enabled: true,
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    };
    const values = initialChannelValues(channel);
    expect(updateChannelBody(values)).not.toHaveProperty('secret');
    expect(updateChannelBody({ ...values, secret: 'another-key' }).secret).toBe('another-key');
    expect(updateChannelBody({ ...values, secret: 'another-key', removeSecret: true }).secret).toBeNull();
    expect(updateChannelBody(values).events).toEqual(['release.failed']);
  });

  it('reads recipients separated by commas, semicolons, spaces or lines', () => {
    expect(recipientList(' a@x.io;b@y.io  c@z.io,\n')).toEqual(['a@x.io', 'b@y.io', 'c@z.io']);
    expect(recipientList('')).toEqual([]);
  });
});

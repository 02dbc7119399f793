import { createLocalChannels } from '@slipway/db';
import { describe, expect, it } from 'vitest';
import { createAuthCache } from './auth-cache.ts';

/** A cache listening on an in-process channel (as on the embedded database). */
async function listeningCache() {
  const cache = createAuthCache();
  const channels = createLocalChannels();
  await cache.connect(async (name, handlers) => channels.open(name, handlers));
  return cache;
}

function counter(value: { userId: string; sessionId: string }) {
  let loads = 0;
  return {
    load: async () => {
      loads++;
      return value;
    },
    loads: () => loads,
  };
}

describe('auth cache', () => {
  it('loads once, and again after a change about the same user', async () => {
    const cache = await listeningCache();
    const ann = counter({ userId: 'ann', sessionId: 's1' });
    await cache.sessions.get('h1', ann.load);
    await cache.sessions.get('h1', ann.load);
    expect(ann.loads()).toBe(1);
    await cache.changed({ grantsOf: 'ann' });
    await cache.sessions.get('h1', ann.load);
    expect(ann.loads()).toBe(1);
    await cache.changed({ session: 's1' });
    await cache.sessions.get('h1', ann.load);
    expect(ann.loads()).toBe(2);
    await cache.changed({ user: 'ann' });
    await cache.sessions.get('h1', ann.load);
    expect(ann.loads()).toBe(3);
  });

  it('does not keep what a load read before a change committed meanwhile', async () => {
    const cache = await listeningCache();
    let release: () => void = () => undefined;
    const slow = cache.grants.get('bob|false|', async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { userId: 'bob', sessionId: 'old' };
    });
    await cache.changed({ allGrants: true });
    release();
    expect(await slow).toEqual({ userId: 'bob', sessionId: 'old' });
    const fresh = counter({ userId: 'bob', sessionId: 'new' });
    expect(await cache.grants.get('bob|false|', fresh.load)).toEqual({ userId: 'bob', sessionId: 'new' });
    expect(fresh.loads()).toBe(1);
  });

  it('caches nothing while it is not listening for changes', async () => {
    const cache = createAuthCache();
    const cy = counter({ userId: 'cy', sessionId: 's3' });
    await cache.sessions.get('h3', cy.load);
    await cache.sessions.get('h3', cy.load);
    expect(cy.loads()).toBe(2);
  });
});

// The outbound guard against real servers on loopback: HTTP requests (notification
// deliveries' path) and git over smart HTTP (repository reads), refused with the local
// network off — by address, by a public-looking name that resolves to loopback, and on a
// redirect from an allowed server to a forbidden one — and allowed with it on.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../../test/git-http-server.ts';
import { createTestRepository, type TestRepository } from '../../test/git-repository.ts';
import { createGitRepositories, RepositoryUnreadableError } from './git-repository.ts';
import { OutboundAddressError, type OutboundPolicy, type ResolveHost } from './outbound-guard.ts';
import { createOutboundFetch } from './outbound-http.ts';

/** A resolver that knows only `names` (name → address), the way a poisoned or rebinding DNS answers. */
const resolver =
  (names: Record<string, string>): ResolveHost =>
  async (hostname) => {
    const address = names[hostname];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };

describe('outbound requests to real loopback servers', () => {
  let root: string;
  let repo: TestRepository;
  /** Serves `app.git` on 127.0.0.1; `/old.git/…` redirects to its `/app.git/…`. */
  let allowed: GitHttpServer;
  /** Serves `app.git` on 127.0.0.2, the address no test allows. */
  let forbidden: GitHttpServer;
  /** On 127.0.0.1 too: redirects everything to `forbidden`. */
  let redirector: GitHttpServer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'slipway-outbound-'));
    repo = await createTestRepository();
    await repo.commit('package.json', '{"name":"app"}\n', 'first');
    await repo.git('clone', '--quiet', '--bare', repo.dir, path.join(root, 'app.git'));
    allowed = await startGitHttpServer({
      root,
      redirect: (p) => (p.startsWith('/old.git/') ? `${allowed.url}/app.git/${p.slice(9)}` : undefined),
    });
    forbidden = await startGitHttpServer({ root, host: '127.0.0.2' });
    redirector = await startGitHttpServer({ root, redirect: (p) => `${forbidden.url}${p}` });
  });
  afterAll(async () => {
    await Promise.all([allowed?.close(), forbidden?.close(), redirector?.close()]);
    await repo?.remove();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const off: OutboundPolicy = { allowLocalNetwork: false };
  /** The local network off, but 127.0.0.1 allowed by address (an allow-list entry) and `git.example.com` resolving to it. */
  const only127: OutboundPolicy = {
    allowLocalNetwork: false,
    allowedAddresses: ['127.0.0.1'],
    resolve: resolver({ 'git.example.com': '127.0.0.1', 'moved.example.com': '127.0.0.2' }),
  };
  const causeOf = async (request: Promise<unknown>) =>
    request.then(
      () => undefined,
      (error: unknown) => (error as { cause?: unknown }).cause,
    );

  describe('HTTP (notification deliveries)', () => {
    it('refuses loopback by address and by a public-looking name, before any connection', async () => {
      const before = forbidden.requests.length;
      const byAddress = await causeOf(createOutboundFetch(off)(`${forbidden.url}/hook`, { method: 'POST' }));
      expect(byAddress).toBeInstanceOf(OutboundAddressError);
      expect(String(byAddress)).toMatch(
        /127\.0\.0\.2 is a loopback address.*SLIPWAY_ALLOW_LOCAL_NETWORK=true/,
      );
      const rebinding = createOutboundFetch({
        ...off,
        resolve: resolver({ 'hooks.example.com': '127.0.0.2' }),
      });
      const byName = await causeOf(rebinding(`http://hooks.example.com:${forbidden.port}/hook`));
      expect(String(byName)).toContain('hooks.example.com (127.0.0.2) is a loopback address');
      expect(forbidden.requests.length).toBe(before);
    });

    it('refuses a redirect from an allowed server to a forbidden one', async () => {
      const before = forbidden.requests.length;
      const refused = await causeOf(createOutboundFetch(only127)(`${redirector.url}/hook`));
      expect(String(refused)).toContain('127.0.0.2 is a loopback address');
      expect(redirector.requests.at(-1)).toBe('/hook');
      expect(forbidden.requests.length).toBe(before);
    });

    it('connects to the checked address of a name, and anywhere with the local network allowed', async () => {
      // git.example.com exists only in the injected resolver: the request reaching the server proves it is pinned.
      const pinned = await createOutboundFetch(only127)(
        `http://git.example.com:${allowed.port}/app.git/info/refs?service=git-upload-pack`,
      );
      expect(pinned.status).toBe(200);
      await pinned.body?.cancel();
      const open = await createOutboundFetch({ allowLocalNetwork: true })(`${redirector.url}/app.git/HEAD`);
      expect(open.status).toBe(200);
      expect(await open.text()).toBe('ref: refs/heads/main\n');
      expect(forbidden.requests.at(-1)).toBe('/app.git/HEAD');
    });
  });

  describe('git over smart HTTP (repository reads)', () => {
    const filesAt = (policy: OutboundPolicy, url: string) =>
      createGitRepositories({ allowLocal: false, outbound: policy }).withRoot(
        url,
        'main',
        async (root) => root.files,
      );

    it('refuses loopback by address and by a public-looking name; git is never started', async () => {
      const before = forbidden.requests.length;
      const byAddress = filesAt(off, `${forbidden.url}/app.git`);
      await expect(byAddress).rejects.toBeInstanceOf(RepositoryUnreadableError);
      await expect(byAddress).rejects.toThrow(
        /127\.0\.0\.2 is a loopback address.*SLIPWAY_ALLOW_LOCAL_NETWORK=true/,
      );
      const byName = filesAt(
        { ...off, resolve: resolver({ 'git.example.com': '127.0.0.2' }) },
        `http://git.example.com:${forbidden.port}/app.git`,
      );
      await expect(byName).rejects.toThrow('git.example.com (127.0.0.2) is a loopback address');
      expect(forbidden.requests.length).toBe(before);
    });

    it('refuses a redirect from an allowed server to a forbidden one', async () => {
      const before = forbidden.requests.length;
      await expect(filesAt(only127, `${redirector.url}/app.git`)).rejects.toThrow(
        '127.0.0.2 is a loopback address',
      );
      await expect(filesAt(only127, `http://git.example.com:${redirector.port}/app.git`)).rejects.toThrow(
        '127.0.0.2 is a loopback address',
      );
      expect(forbidden.requests.length).toBe(before);
    });

    it('clones through the checked address (curl pinned), following an allowed redirect', async () => {
      // No resolver outside the test knows git.example.com: git reaches it only through the pin.
      expect(await filesAt(only127, `http://git.example.com:${allowed.port}/app.git`)).toEqual([
        'package.json',
      ]);
      const requests = allowed.requests.length;
      expect(await filesAt(only127, `http://git.example.com:${allowed.port}/old.git`)).toEqual([
        'package.json',
      ]);
      expect(allowed.requests.slice(requests, requests + 2)).toEqual([
        '/old.git/info/refs?service=git-upload-pack',
        '/app.git/info/refs?service=git-upload-pack',
      ]);
    });

    it('does not let git resolve a name the server could not (git would find localhost in /etc/hosts)', async () => {
      const before = allowed.requests.length;
      const blind = { ...off, resolve: resolver({}) };
      await expect(filesAt(blind, `http://localhost:${allowed.port}/app.git`)).rejects.toThrow(
        'could not resolve host localhost',
      );
      await expect(filesAt(blind, 'git@localhost:app.git')).rejects.toThrow(
        'could not resolve host localhost',
      );
      expect(allowed.requests.length).toBe(before);
    });

    it('clones from loopback with the local network allowed', async () => {
      expect(await filesAt({ allowLocalNetwork: true }, `${forbidden.url}/app.git`)).toEqual([
        'package.json',
      ]);
    });

    it('still refuses git argument injection in the URL', async () => {
      const marker = path.join(root, 'injected');
      const repositories = createGitRepositories({ allowLocal: true, outbound: { allowLocalNetwork: true } });
      for (const url of [
        `--upload-pack=touch ${marker}`,
        `ssh://-oProxyCommand=touch%20${marker}/x`,
        `-oProxyCommand=touch ${marker}:x`,
      ]) {
        await expect(
          repositories.withRoot(url, undefined, async () => 'read'),
          url,
        ).rejects.toBeInstanceOf(RepositoryUnreadableError);
      }
      expect(existsSync(marker)).toBe(false);
    });
  });
});

// Project repositories in the local network (#17 item 6): a workspace member could make the
// server fetch the cloud metadata address through the starter detection. With
// SLIPWAY_ALLOW_LOCAL_NETWORK off, such a repository URL is refused with 400 naming
// body.repoUrl — by address (any notation), by a name that resolves there, over ssh too —
// before anything is stored or fetched; with it on, a loopback git server is read.
import dns from 'node:dns';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../../../test/git-http-server.ts';
import { createTestRepository } from '../../../test/git-repository.ts';
import {
  buildAppOn,
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import type { SlipwayApp } from '../../app.ts';
import type { ResolveHost } from '../../lib/outbound-guard.ts';

/** Names a poisoned DNS answers for; others resolve as usual. */
const NAMES: Record<string, string> = { 'git.example.com': '127.0.0.1', 'code.example.com': '93.184.215.14' };
const resolveHost: ResolveHost = async (hostname) => {
  const address = NAMES[hostname];
  return address ? [{ address, family: 4 }] : dns.promises.lookup(hostname, { all: true });
};

describe.skipIf(postgresSkipReason())('project repositories in the local network', () => {
  let t: TestApp;
  let strict: SlipwayApp;
  /** Signed in to the server with the local network allowed (the test harness's setting). */
  let open: SignedInClient;
  /** Signed in to a server on the same database with SLIPWAY_ALLOW_LOCAL_NETWORK off. */
  let closed: SignedInClient;
  let root: string;
  let git: GitHttpServer;
  const ws = '/api/v1/workspaces/net';

  beforeAll(async () => {
    t = await buildTestApp();
    strict = await buildAppOn(t, { allowLocalNetwork: false }, { resolveHost });
    open = await signIn(t.app);
    closed = await signIn(strict.app);
    await seedWorkspace(open, 'net');
    root = await mkdtemp(path.join(os.tmpdir(), 'slipway-project-network-'));
    const repo = await createTestRepository();
    await repo.commit('package.json', '{"name":"shop","scripts":{"test":"vitest"}}\n', 'first');
    await repo.git('clone', '--quiet', '--bare', repo.dir, path.join(root, 'shop.git'));
    await repo.remove();
    git = await startGitHttpServer({ root });
  });
  afterAll(async () => {
    await git?.close();
    await strict?.app.close();
    await t?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const create = (client: SignedInClient, slug: string, repoUrl: string) =>
    client.request({
      method: 'POST',
      url: `${ws}/projects`,
      payload: { slug, name: slug, repoUrl, starterPipeline: 'auto' },
    });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://2852039166/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://[::ffff:169.254.169.254]/x.git', '::ffff:a9fe:a9fe is a cloud metadata address'],
    ['https://git.example.com/shop.git', 'git.example.com (127.0.0.1) is a loopback address'],
    ['http://localhost:3000/shop.git', 'is a loopback address'],
    ['git@10.1.2.3:team/shop.git', '10.1.2.3 is a private address'],
    ['ssh://git@[fd00:ec2::254]/shop.git', 'fd00:ec2::254 is a cloud metadata address'],
    ['https://100.100.100.200/shop.git', 'carrier-grade NAT'],
  ])('refuses %s with 400 naming body.repoUrl, storing nothing', async (repoUrl, reason) => {
    const refused = await create(closed, 'meta', repoUrl);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().details).toEqual([
      {
        field: 'body.repoUrl',
        message: expect.stringContaining(reason),
      },
    ]);
    expect(refused.json().details[0].message).toMatch(
      /: this server does not connect to the local network unless SLIPWAY_ALLOW_LOCAL_NETWORK=true$/,
    );
    expect((await open.request({ method: 'GET', url: `${ws}/projects/meta` })).statusCode).toBe(404);
  });

  it('refuses a loopback git server with the setting off, before any request; reads it with the setting on', async () => {
    const url = `${git.url}/shop.git`;
    const refused = await create(closed, 'shop', url);
    expect(refused.statusCode).toBe(400);
    expect(git.requests).toEqual([]);
    const created = await create(open, 'shop', url);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().starter).toMatchObject({ type: 'node', pipeline: 'ci', reason: null });
    expect(git.requests.length).toBeGreaterThan(0);
  });

  it('refuses a change of the repository to a local address, and keeps public ones', async () => {
    const created = await closed.request({
      method: 'POST',
      url: `${ws}/projects`,
      payload: { slug: 'billing', name: 'billing', repoUrl: 'https://code.example.com/billing.git' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const changed = await closed.request({
      method: 'PATCH',
      url: `${ws}/projects/billing`,
      payload: { repoUrl: 'http://192.168.0.10/billing.git' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().details[0]).toMatchObject({ field: 'body.repoUrl' });
    const project = await open.request({ method: 'GET', url: `${ws}/projects/billing` });
    expect(project.json().repoUrl).toBe('https://code.example.com/billing.git');
  });
});

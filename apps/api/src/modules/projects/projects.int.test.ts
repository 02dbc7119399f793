import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

describe.skipIf(postgresSkipReason())('projects API', () => {
  let t: TestApp;
  let client: SignedInClient;
  const base = '/api/v1/workspaces/team/projects';
  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await seedWorkspace(client, 'team');
    await seedWorkspace(client, 'other');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a project with defaults and reads it back', async () => {
    const created = await client.request({
      method: 'POST',
      url: base,
      payload: { slug: 'shop-api', name: 'Shop API', repoUrl: 'https://git.example.com/shop/api.git' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      workspace: 'team',
      slug: 'shop-api',
      defaultBranch: 'main',
      repoUrl: 'https://git.example.com/shop/api.git',
      description: null,
    });
    const fetched = await client.request({ method: 'GET', url: `${base}/shop-api` });
    expect(fetched.json()).toEqual(created.json());
  });

  it('scopes slugs to their workspace', async () => {
    const again = await client.request({
      method: 'POST',
      url: base,
      payload: { slug: 'shop-api', name: 'Again' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('project "shop-api" already exists in workspace "team"');
    const elsewhere = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces/other/projects',
      payload: { slug: 'shop-api', name: 'Same slug, other workspace' },
    });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('updates and deletes', async () => {
    const updated = await client.request({
      method: 'PATCH',
      url: `${base}/shop-api`,
      payload: { defaultBranch: 'release/1.x', description: 'Checkout service' },
    });
    expect(updated.json()).toMatchObject({ defaultBranch: 'release/1.x', description: 'Checkout service' });
    expect((await client.request({ method: 'DELETE', url: `${base}/shop-api` })).statusCode).toBe(204);
    expect((await client.request({ method: 'GET', url: `${base}/shop-api` })).statusCode).toBe(404);
  });

  it('validates repository address and branch, naming the field', async () => {
    const response = await client.request({
      method: 'POST',
      url: base,
      payload: { slug: 'bad', name: 'Bad', repoUrl: 'not a url', defaultBranch: 'a..b' },
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['body.defaultBranch', 'body.repoUrl']);
  });

  it('refuses credentials in a repository URL, and masks those saved before; the mask sent back keeps them', async () => {
    const withToken = 'https://ci:repo-url-token-canary@git.example.com/team/app.git';
    const refused = await client.request({
      method: 'POST',
      url: base,
      payload: { slug: 'tokened', name: 'Tokened', repoUrl: withToken },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual([expect.objectContaining({ field: 'body.repoUrl' })]);
    const created = await client.request({
      method: 'POST',
      url: base,
      payload: { slug: 'tokened', name: 'Tokened', repoUrl: 'https://git.example.com/team/app.git' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const patch = (payload: object) => client.request({ method: 'PATCH', url: `${base}/tokened`, payload });
    expect((await patch({ repoUrl: withToken })).json().details[0].field).toBe('body.repoUrl');

    // A project saved before such URLs were refused.
    await t.db.prisma.project.update({ where: { id: created.json().id }, data: { repoUrl: withToken } });
    const shown = await client.request({ method: 'GET', url: `${base}/tokened` });
    expect(shown.body).not.toContain('repo-url-token-canary');
    expect(shown.json().repoUrl).toBe('https://***@git.example.com/team/app.git');
    const kept = await patch({ repoUrl: shown.json().repoUrl, description: 'still cloning' });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.body).not.toContain('repo-url-token-canary');
    const row = await t.db.prisma.project.findUniqueOrThrow({ where: { id: created.json().id } });
    expect(row.repoUrl).toBe(withToken);

    // The same kind in other schemes: a password in an ssh URL (the ssh user alone is no secret).
    const sshWithPassword = 'ssh://git:ssh-password-canary@git.example.com/team/app.git';
    expect((await patch({ repoUrl: sshWithPassword })).json().details[0].field).toBe('body.repoUrl');
    expect((await patch({ repoUrl: 'ssh://git@git.example.com/team/app.git' })).statusCode).toBe(200);
    await t.db.prisma.project.update({
      where: { id: created.json().id },
      data: { repoUrl: sshWithPassword },
    });
    const sshShown = await client.request({ method: 'GET', url: `${base}/tokened` });
    expect(sshShown.json().repoUrl).toBe('ssh://git:***@git.example.com/team/app.git');
    expect((await patch({ repoUrl: sshShown.json().repoUrl })).statusCode).toBe(200);
    const sshRow = await t.db.prisma.project.findUniqueOrThrow({ where: { id: created.json().id } });
    expect(sshRow.repoUrl).toBe(sshWithPassword);
  });

  it('answers 404 for a project of an unknown workspace', async () => {
    const response = await client.request({ method: 'GET', url: '/api/v1/workspaces/nope/projects' });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('workspace "nope" not found');
  });
});

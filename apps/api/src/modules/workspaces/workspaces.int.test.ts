import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

describe.skipIf(postgresSkipReason())('workspaces API', () => {
  let t: TestApp;
  let client: SignedInClient;
  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: Record<string, unknown>) =>
    client.request({ method: 'POST', url: '/api/v1/workspaces', payload });

  it('creates, reads, updates and deletes a workspace by slug', async () => {
    const created = await create({ slug: 'shop', name: 'Shop', description: 'Produce e-commerce' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: 'shop', name: 'Shop', projectCount: 0 });

    const fetched = await client.request({ method: 'GET', url: '/api/v1/workspaces/shop' });
    expect(fetched.json()).toMatchObject({ slug: 'shop', description: 'Produce e-commerce' });

    const updated = await client.request({
      method: 'PATCH',
      url: '/api/v1/workspaces/shop',
      payload: { name: 'Shop Team', description: null },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Shop Team', description: null, slug: 'shop' });

    const deleted = await client.request({ method: 'DELETE', url: '/api/v1/workspaces/shop' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const gone = await client.request({ method: 'GET', url: '/api/v1/workspaces/shop' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      message: 'workspace "shop" not found',
    });
  });

  it('rejects an invalid slug with a message stating the rule, naming each bad field', async () => {
    for (const slug of ['Shop', 'shop_api', '-shop', 'shop-', 'a'.repeat(64), '']) {
      const response = await create({ slug, name: 'X' });
      expect(response.statusCode, slug).toBe(400);
      const body = response.json();
      expect(body.details).toEqual([
        { field: 'body.slug', message: expect.stringMatching(/DNS-1123 label/) },
      ]);
      expect(body.message).toContain('body.slug');
    }
    const many = await create({ name: '', colour: 'red' });
    expect(many.json().details).toEqual(
      expect.arrayContaining([
        { field: 'body.slug', message: 'is required' },
        { field: 'body.name', message: 'name must not be empty' },
        { field: 'body.colour', message: 'unknown field' },
      ]),
    );
  });

  it('answers a duplicate slug with 409', async () => {
    expect((await create({ slug: 'dup', name: 'One' })).statusCode).toBe(201);
    const again = await create({ slug: 'dup', name: 'Two' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: 'Conflict',
      message: 'workspace "dup" already exists',
      details: [{ field: 'body.slug', message: 'already taken' }],
    });
  });

  it('pages through the list with a cursor, ordered by slug', async () => {
    const slugs = ['page-c', 'page-a', 'page-e', 'page-b', 'page-d'];
    for (const slug of slugs) expect((await create({ slug, name: slug })).statusCode).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { limit: '2', ...(cursor ? { cursor } : {}) };
      const response = await client.request({ method: 'GET', url: '/api/v1/workspaces', query });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: { slug: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.slug));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const pageSlugs = seen.filter((slug) => slug.startsWith('page-'));
    expect(pageSlugs).toEqual([...slugs].sort());
    expect(seen).toEqual([...seen].sort());
  });

  it('rejects a bad cursor and an out-of-range limit naming the query field', async () => {
    const badCursor = await client.request({
      method: 'GET',
      url: '/api/v1/workspaces',
      query: { cursor: '!!' },
    });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().details).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
    const badLimit = await client.request({
      method: 'GET',
      url: '/api/v1/workspaces',
      query: { limit: '1000' },
    });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().details[0].field).toBe('query.limit');
  });

  it('refuses to delete a workspace that still has projects', async () => {
    await create({ slug: 'busy', name: 'Busy' });
    await client.request({
      method: 'POST',
      url: '/api/v1/workspaces/busy/projects',
      payload: { slug: 'api', name: 'API' },
    });
    const response = await client.request({ method: 'DELETE', url: '/api/v1/workspaces/busy' });
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toBe('workspace "busy" still has 1 project; delete them first');
    expect(
      (await client.request({ method: 'GET', url: '/api/v1/workspaces/busy' })).json().projectCount,
    ).toBe(1);
  });
});

import type { AuditEvent } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  buildTestApp,
  type SignedInClient,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

const PASSWORD = 'audit-test-password';
const SECRET = 'never-in-the-audit-log-4242';
const SPEC =
  'stages:\n  - name: build\n    jobs:\n      - name: compile\n        image: alpine\n        steps:\n          - run: make\n';

describe.skipIf(postgresSkipReason())('the audit log', () => {
  let t: TestApp;
  let admin: SignedInClient;

  async function events(query: Record<string, string>): Promise<AuditEvent[]> {
    const response = await admin.request({ method: 'GET', url: '/api/v1/audit-events', query });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: AuditEvent[] }).items;
  }

  async function ok(method: 'POST' | 'PATCH', url: string, payload: object) {
    const response = await admin.request({ method, url, payload });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await ok('POST', '/api/v1/workspaces', { slug: 'shop', name: 'Shop' });
    await ok('POST', '/api/v1/workspaces', { slug: 'other', name: 'Other' });
    await ok('POST', '/api/v1/workspaces/shop/projects', { slug: 'api', name: 'API' });
    await ok('POST', '/api/v1/users', { username: 'wanda', password: PASSWORD });
    await ok('POST', '/api/v1/workspaces/shop/members', { user: 'wanda', role: 'workspace-viewer' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records who signed in, and the username a failed sign-in tried', async () => {
    await signIn(t.app, 'wanda', PASSWORD);
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'mallory', password: 'not-the-password' },
    });
    expect(failed.statusCode).toBe(401);
    const logins = await events({ action: 'login' });
    const wanda = await t.db.prisma.user.findUniqueOrThrow({ where: { username: 'wanda' } });
    expect(logins).toContainEqual(
      expect.objectContaining({ actor: 'wanda', actorVia: 'password', outcome: 'allowed', statusCode: 200 }),
    );
    expect(logins).toContainEqual(
      expect.objectContaining({ actor: 'mallory', actorVia: 'password', outcome: 'unauthenticated' }),
    );
    expect(logins.some((e) => e.actor === null || e.actorVia === 'anonymous')).toBe(false);
    const stored = await t.db.prisma.auditEvent.findMany({ where: { action: 'login', actorName: 'wanda' } });
    expect(stored.every((row) => row.actorId === wanda.id)).toBe(true);
    expect(JSON.stringify(logins)).not.toContain(PASSWORD);
    expect(JSON.stringify(logins)).not.toContain('not-the-password');
  });

  it('keeps operations that change nothing out of the log', async () => {
    for (let i = 0; i < 3; i++) {
      const checked = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/shop/projects/api/pipelines/validate',
        payload: { spec: SPEC },
      });
      expect(checked.statusCode, checked.body).toBe(200);
    }
    expect(await events({ action: 'validatePipeline' })).toEqual([]);
    await ok('POST', '/api/v1/workspaces/shop/projects/api/pipelines', { name: 'ci', spec: SPEC });
    expect(await events({ action: 'createPipeline' })).toHaveLength(1);
  });

  it('stores what each write changed, before and after, and never a secret', async () => {
    await ok('PATCH', '/api/v1/workspaces/shop/members/wanda', { role: 'workspace-member' });
    const [roleChange] = await events({ action: 'updateWorkspaceMember' });
    expect(roleChange?.detail).toEqual({
      fields: ['role'],
      values: { role: 'workspace-member' },
      changes: { role: { before: 'workspace-viewer', after: 'workspace-member' } },
    });

    await ok('PATCH', '/api/v1/workspaces/shop/projects/api', { description: 'The API', name: 'API' });
    const [projectChange] = await events({ action: 'updateProject' });
    expect(projectChange?.detail?.changes).toEqual({ description: { before: null, after: 'The API' } });

    // A decision names approve or reject and its comment, even when it is refused.
    const decision = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/shop/projects/api/pipelines/ci/runs/99/approvals/gate',
      payload: { decision: 'reject', comment: 'not on a Friday' },
    });
    expect(decision.statusCode).toBe(404);
    const [decided] = await events({ action: 'decideApproval' });
    expect(decided?.detail?.values).toEqual({ decision: 'reject', comment: 'not on a Friday' });

    await ok('POST', '/api/v1/workspaces/shop/credentials', { name: 'npm', type: 'token', secret: SECRET });
    await ok('PATCH', '/api/v1/users/wanda', { password: `${SECRET}-reset` });
    await ok('POST', '/api/v1/me/password', { currentPassword: ADMIN_PASSWORD, newPassword: `${SECRET}-me` });
    const [credential] = await events({ action: 'createCredential' });
    expect(credential?.detail).toMatchObject({
      fields: ['name', 'secret', 'type'],
      values: { name: 'npm', type: 'token' },
    });
    const everything = await t.db.prisma.auditEvent.findMany();
    expect(JSON.stringify(everything)).not.toContain(SECRET);
  });

  it('opens one entry for those who may read its log, and nobody else', async () => {
    const [entry] = await events({ action: 'updateWorkspaceMember' });
    if (!entry) throw new Error('no entry');
    const read = await admin.request({ method: 'GET', url: `/api/v1/audit-events/${entry.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(entry);

    await ok('POST', '/api/v1/users', { username: 'olga', password: PASSWORD });
    await ok('POST', '/api/v1/workspaces/other/members', { user: 'olga', role: 'workspace-admin' });
    await ok('POST', '/api/v1/users', { username: 'sam', password: PASSWORD });
    await ok('POST', '/api/v1/workspaces/shop/members', { user: 'sam', role: 'workspace-admin' });
    const olga = await signIn(t.app, 'olga', PASSWORD);
    const sam = await signIn(t.app, 'sam', PASSWORD);
    expect((await olga.request({ method: 'GET', url: `/api/v1/audit-events/${entry.id}` })).statusCode).toBe(
      404,
    );
    expect((await sam.request({ method: 'GET', url: `/api/v1/audit-events/${entry.id}` })).statusCode).toBe(
      200,
    );
    const missing = await admin.request({
      method: 'GET',
      url: `/api/v1/audit-events/${crypto.randomUUID()}`,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('exports the filtered log as CSV, escaping quotes, commas, line breaks and formulas', async () => {
    const tricky = 'Shop, "the big one"\n=HYPERLINK("http://evil")';
    await ok('PATCH', '/api/v1/workspaces/shop', { description: tricky });
    const response = await admin.request({
      method: 'GET',
      url: '/api/v1/audit-events/export',
      query: { workspace: 'shop', action: 'updateWorkspace' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="slipway-audit-.+\.csv"$/);
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      actor: 'admin',
      action: 'updateWorkspace',
      workspace: 'shop',
      outcome: 'allowed',
    });
    expect(JSON.parse(row?.detail ?? '{}')).toMatchObject({
      changes: { description: { before: null, after: tricky } },
    });

    // A cell a spreadsheet would evaluate is escaped: here a username tried at sign-in.
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: '=SUM(1,2)', password: 'whatever-it-is' },
    });
    expect(login.statusCode).toBe(401);
    const formula = await admin.request({
      method: 'GET',
      url: '/api/v1/audit-events/export',
      query: { action: 'login', actor: '=SUM(1,2)' },
    });
    const [attempt] = parse(formula.body, { columns: true }) as Record<string, string>[];
    expect(attempt?.actor).toBe("'=SUM(1,2)");
    // Filters apply, newest first.
    for (let i = 0; i < 30; i++) await ok('PATCH', '/api/v1/workspaces/other', { description: `n${i}` });
    // More rows than one export page, all at one instant: paging must neither drop nor repeat a tie.
    const sameInstant = new Date();
    await t.db.prisma.auditEvent.createMany({
      data: Array.from({ length: 1234 }, (_, i) => ({
        occurredAt: sameInstant,
        actorVia: 'token',
        action: 'bulkAction',
        objectType: 'workspace',
        workspace: 'other',
        outcome: 'allowed',
        statusCode: 200,
        requestId: `bulk-${i}`,
      })),
    });
    const all = await admin.request({
      method: 'GET',
      url: '/api/v1/audit-events/export',
      query: { workspace: 'other' },
    });
    const exported = parse(all.body, { columns: true }) as Record<string, string>[];
    expect(exported.length).toBe(await t.db.prisma.auditEvent.count({ where: { workspace: 'other' } }));
    expect(exported.every((r) => r.workspace === 'other')).toBe(true);
    expect(new Set(exported.map((r) => r.id)).size).toBe(exported.length);
    const times = exported.map((r) => r.occurred_at ?? '');
    expect([...times].sort().reverse()).toEqual(times);

    const wanda = await signIn(t.app, 'wanda', `${SECRET}-reset`);
    expect((await wanda.request({ method: 'GET', url: '/api/v1/audit-events/export' })).statusCode).toBe(403);
  });

  it('stays append-only', async () => {
    await expect(t.db.prisma.auditEvent.updateMany({ data: { detail: {} } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
  });
});

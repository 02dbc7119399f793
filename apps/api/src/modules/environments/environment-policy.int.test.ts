// The environment's deploy policy as an API user sets it: who may change it, what is
// refused, what is audited, and the freeze window in force.
import type { AuditEvent, Environment } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';

const WS = 'policy';
const URL = `/api/v1/workspaces/${WS}/environments/prod`;

describe.skipIf(postgresSkipReason())(
  'environment policy: approvals, expiry, auto-rollback, freeze windows',
  () => {
    let t: TestApp;
    let admin: SignedInClient;
    let operator: SignedInClient;

    beforeAll(async () => {
      t = await buildTestApp();
      admin = await signIn(t.app);
      await seedWorkspace(admin, WS, 'shop');
      const created = await admin.request({
        method: 'POST',
        url: `/api/v1/workspaces/${WS}/environments`,
        payload: { name: 'prod', production: true },
      });
      expect(created.statusCode, created.body).toBe(201);
      operator = await signInAsProjectMember(t.app, admin, {
        workspace: WS,
        project: 'shop',
        username: 'olga',
        role: 'operator',
      });
    });

    afterAll(async () => {
      await t?.close();
    });

    it('gives production one operator approval, never the starter’s own, expiring after 24 h', async () => {
      const prod = (await admin.request({ method: 'GET', url: URL })).json() as Environment;
      expect(prod.approvalPolicy).toEqual({
        requiredApprovals: 1,
        approverRole: 'operator',
        allowSelfApproval: false,
        expiryMinutes: 1440,
        autoRollback: false,
      });
      expect(prod).toMatchObject({ freezeWindows: [], frozen: null, locked: false });
    });

    it('lets workspace admins change it, audited before → after; an operator may not', async () => {
      const weekly = {
        kind: 'weekly',
        name: 'weekend',
        from: { day: 'fri', time: '18:00' },
        to: { day: 'mon', time: '08:00' },
        timeZone: 'Europe/Berlin',
      };
      const refused = await operator.request({
        method: 'PATCH',
        url: URL,
        payload: { approvalPolicy: { requiredApprovals: 0 } },
      });
      expect(refused.statusCode).toBe(403);
      const changed = await admin.request({
        method: 'PATCH',
        url: URL,
        payload: {
          approvalPolicy: { requiredApprovals: 2, expiryMinutes: 90, autoRollback: true },
          freezeWindows: [weekly],
        },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((changed.json() as Environment).approvalPolicy).toMatchObject({
        requiredApprovals: 2,
        expiryMinutes: 90,
        autoRollback: true,
      });
      const audit = await admin.request({
        method: 'GET',
        url: '/api/v1/audit-events',
        query: { workspace: WS, action: 'updateEnvironment' },
      });
      const [entry] = (audit.json() as { items: AuditEvent[] }).items;
      const detail = entry?.detail as
        | { changes?: Record<string, { before: unknown; after: unknown }> }
        | undefined;
      const changes = detail?.changes;
      expect(changes?.approvalPolicy?.before).toMatchObject({ requiredApprovals: 1, autoRollback: false });
      expect(changes?.approvalPolicy?.after).toMatchObject({ requiredApprovals: 2, autoRollback: true });
      expect(changes?.freezeWindows).toEqual({ before: [], after: [weekly] });
    });

    it('shows the window in force and when it ends', async () => {
      // A one-off window around now, in a zone far from UTC, so the local time is what counts.
      const local = (offsetHours: number) =>
        new Date(Date.now() + offsetHours * 3_600_000)
          .toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo', hour12: false })
          .replace(' ', 'T')
          .slice(0, 16);
      const response = await admin.request({
        method: 'PATCH',
        url: URL,
        payload: {
          freezeWindows: [{ kind: 'once', from: local(-1), to: local(2), timeZone: 'Asia/Tokyo' }],
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      const frozen = (response.json() as Environment).frozen;
      expect(frozen?.window.kind).toBe('once');
      const until = new Date(frozen?.until ?? 0).getTime();
      // Two hours from now, to the minute the window was given in.
      expect(Math.abs(until - (Date.now() + 2 * 3_600_000))).toBeLessThan(61_000);
    });

    it('refuses a policy or window that makes no sense, naming the field', async () => {
      const cases: Array<[object, string]> = [
        [{ approvalPolicy: { approverRole: 'release-captain' } }, 'body.approvalPolicy.approverRole'],
        [{ approvalPolicy: { expiryMinutes: 0 } }, 'body.approvalPolicy.expiryMinutes'],
        [
          {
            freezeWindows: [
              { kind: 'once', from: '2026-12-24T10:00', to: '2026-12-24T09:00', timeZone: 'Europe/Berlin' },
            ],
          },
          'body.freezeWindows[0].to',
        ],
        [
          {
            freezeWindows: [
              {
                kind: 'weekly',
                from: { day: 'fri', time: '25:00' },
                to: { day: 'mon', time: '08:00' },
                timeZone: 'UTC',
              },
            ],
          },
          'body.freezeWindows[0].from.time',
        ],
        [
          {
            freezeWindows: [
              {
                kind: 'weekly',
                from: { day: 'fri', time: '18:00' },
                to: { day: 'fri', time: '18:00' },
                timeZone: 'UTC',
              },
            ],
          },
          'body.freezeWindows[0].to',
        ],
        [
          {
            freezeWindows: [
              { kind: 'once', from: '2026-12-24T10:00', to: '2026-12-25T10:00', timeZone: 'Mars/Olympus' },
            ],
          },
          'body.freezeWindows[0].timeZone',
        ],
      ];
      for (const [payload, field] of cases) {
        const response = await admin.request({ method: 'PATCH', url: URL, payload });
        expect(response.statusCode, `${JSON.stringify(payload)}: ${response.body}`).toBe(400);
        const fields = (response.json() as { details: Array<{ field: string }> }).details.map((d) => d.field);
        expect(fields).toContain(field);
      }
    });
  },
);

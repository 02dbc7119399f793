import { BUILT_IN_ROLES, type Permission } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { approvalRefusal, type DecisionInput, isAdminOverride } from './gate-decisions.ts';

const OPERATOR = [...BUILT_IN_ROLES.operator.permissions] as Permission[];
const noCustomRoles = new Map<string, readonly Permission[]>();

/** An operator (holding every permission at every level) deciding an open deploy approval. */
function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    subject: 'deploy',
    closed: null,
    decisions: [],
    rules: { role: 'operator', allowSelfApproval: false },
    caller: {
      userId: 'olga',
      platformAdmin: false,
      held: { platform: OPERATOR, workspace: OPERATOR, project: OPERATOR },
      email: 'Olga@Example.com',
    },
    triggeredById: 'stan',
    committerEmail: null,
    customRoles: noCustomRoles,
    workspace: 'shop',
    ...overrides,
  };
}

describe('approvalRefusal (deploy approvals)', () => {
  it('lets an operator who neither started nor committed the change decide', () => {
    expect(approvalRefusal(input())).toBeNull();
  });

  it('refuses the committer (e-mail compared case-insensitively) unless self-approval is allowed', () => {
    const committed = input({ committerEmail: 'olga@example.com' });
    expect(approvalRefusal(committed)).toMatchObject({
      status: 403,
      message: expect.stringContaining('committed'),
    });
    expect(
      approvalRefusal({ ...committed, rules: { role: 'operator', allowSelfApproval: true } }),
    ).toBeNull();
  });

  it('answers 409 for a closed request before anything else, and for a second decision', () => {
    expect(approvalRefusal(input({ closed: 'expired' }))).toMatchObject({
      status: 409,
      message: 'this deploy approval is expired',
    });
    expect(approvalRefusal(input({ decisions: [{ userId: 'olga' }] }))).toMatchObject({ status: 409 });
  });

  it('a role the workspace lacks: only a platform admin, whose decision is an override', () => {
    const missing = input({ rules: { role: 'release-board', allowSelfApproval: false } });
    expect(approvalRefusal(missing)).toMatchObject({
      status: 403,
      message: expect.stringContaining('release-board'),
    });
    const admin = { ...missing, caller: { ...missing.caller, platformAdmin: true } };
    expect(approvalRefusal(admin)).toBeNull();
    expect(isAdminOverride('release-board', noCustomRoles, true)).toBe(true);
    expect(isAdminOverride('operator', noCustomRoles, true)).toBe(false);
  });
});

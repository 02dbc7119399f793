import { BUILT_IN_ROLES, PERMISSIONS, type Permission } from '@slipway/contracts';
import type { Approval } from '@slipway/pipeline';

/** What the caller holds at each level (from `AccessService.permissionsFor`). */
export interface HeldPermissions {
  platform: Permission[];
  workspace: Permission[];
  project: Permission[];
}

/** Why the caller may not decide a gate: the HTTP status the decision endpoint answers and its message. */
export interface GateRefusal {
  status: 403 | 409;
  message: string;
  /** The short form, for the `gate` field of the error details and the console's disabled buttons. */
  detail: string;
}

export interface GateDecisionInput {
  gate: { status: string; decisions: readonly { userId: string }[] };
  rules: Approval;
  caller: {
    userId: string;
    /** A platform admin acting as such (not through a token limited to one workspace). */
    platformAdmin: boolean;
    held: HeldPermissions;
  };
  /** Who started the run (null: a webhook's run whose user is gone). */
  triggeredById: string | null;
  /** The workspace's custom roles by name, with their permissions, read at decision time. */
  customRoles: ReadonlyMap<string, readonly Permission[]>;
  workspace: string;
}

/**
 * The permissions a gate's role stands for: a built-in role's from the catalogue, a custom
 * role's from its workspace; undefined when the workspace has no such role.
 */
export function gateRolePermissions(
  role: string,
  customRoles: ReadonlyMap<string, readonly Permission[]>,
): readonly Permission[] | undefined {
  const builtIn = BUILT_IN_ROLES[role as keyof typeof BUILT_IN_ROLES];
  return builtIn ? builtIn.permissions : customRoles.get(role);
}

/**
 * The one rule for deciding an approval gate, used by the decision endpoint (which answers
 * the refusal's status) and by the run view (which tells the console why its buttons are
 * disabled). In order: the gate must be waiting (409); the caller needs `approval.decide`
 * on the project (403); whoever started the run may not decide unless the gate allows
 * self-approval (403); the caller must hold every permission of the gate's role at that
 * permission's level — a built-in role, or a custom role of the workspace as it is now
 * (403); a role the workspace does not have (renamed, deleted, misspelt) can be decided by
 * platform admins only (403 for everyone else, naming the role); one decision per person (409).
 * Returns null when the caller may decide.
 */
export function gateRefusal(input: GateDecisionInput): GateRefusal | null {
  const { gate, rules, caller } = input;
  if (gate.status !== 'waiting') {
    const state = gate.status === 'pending' ? 'not open yet' : `already ${gate.status}`;
    return { status: 409, message: `this gate is ${state}`, detail: `the gate is ${state}` };
  }
  if (!caller.held.project.includes('approval.decide')) {
    return {
      status: 403,
      message: 'you do not have the permission approval.decide',
      detail: 'needs the permission approval.decide',
    };
  }
  if (!rules.allowSelfApproval && input.triggeredById === caller.userId) {
    return {
      status: 403,
      message: 'you started this run; this gate needs someone else to decide',
      detail: 'self-approval is not allowed',
    };
  }
  const needed = gateRolePermissions(rules.role, input.customRoles);
  if (!needed && !caller.platformAdmin) {
    return {
      status: 403,
      message: `the gate names the role ${rules.role}, which workspace "${input.workspace}" does not have; only a platform admin may decide it (or fix the pipeline and run again)`,
      detail: `the role ${rules.role} does not exist`,
    };
  }
  const missing = (needed ?? []).filter(
    (permission) => !caller.held[PERMISSIONS[permission].level].includes(permission),
  );
  if (missing.length > 0) {
    return {
      status: 403,
      message: `only the role ${rules.role} (or one with its rights) may decide this gate; you lack ${missing.join(', ')}`,
      detail: `needs the role ${rules.role}`,
    };
  }
  if (gate.decisions.some((d) => d.userId === caller.userId)) {
    return { status: 409, message: 'you already decided on this gate', detail: 'you already decided' };
  }
  return null;
}

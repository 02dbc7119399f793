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

/** The rules of one approval: a pipeline gate's, or an environment policy's for a deploy. */
export interface ApprovalRules {
  role: string;
  allowSelfApproval: boolean;
}

/** What is being decided: a gate of a run, or a deploy held by its environment's policy. */
export interface DecisionInput {
  subject: 'gate' | 'deploy';
  /** Null while it may be decided; else its state in words (`already approved`, `expired`…). */
  closed: string | null;
  decisions: readonly { userId: string }[];
  rules: ApprovalRules;
  caller: GateDecisionInput['caller'] & {
    /** The caller's e-mail address (compared with the committer's; case-insensitive). */
    email?: string | null | undefined;
  };
  /** Who started the run or deploy (null: a webhook's run whose user is gone). */
  triggeredById: string | null;
  /** The e-mail address of the change's committer, when known (excluded like the starter). */
  committerEmail?: string | null | undefined;
  customRoles: ReadonlyMap<string, readonly Permission[]>;
  workspace: string;
}

/**
 * The one rule for deciding an approval — a pipeline gate or a deploy held by its
 * environment's policy — used by the decision endpoints (which answer the refusal's status)
 * and by the views (which tell the console why its buttons are disabled). In order: it must
 * be open (409); the caller needs `approval.decide` on the project (403); whoever started the
 * run or deploy, or committed the change, may not decide unless self-approval is allowed
 * (403); the caller must hold every permission of the role at that permission's level — a
 * built-in role, or a custom role of the workspace as it is now (403); a role the workspace
 * does not have (renamed, deleted, misspelt) can be decided by platform admins only (403 for
 * everyone else, naming the role; see `isAdminOverride`); one decision per person (409).
 * Returns null when the caller may decide.
 */
export function approvalRefusal(input: DecisionInput): GateRefusal | null {
  const { rules, caller, subject } = input;
  const noun = subject === 'gate' ? 'gate' : 'deploy approval';
  if (input.closed !== null) {
    return {
      status: 409,
      message: `this ${noun} is ${input.closed}`,
      detail: `the ${noun} is ${input.closed}`,
    };
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
      message:
        subject === 'gate'
          ? 'you started this run; this gate needs someone else to decide'
          : 'you started this deploy; the environment’s policy does not allow self-approval, someone else must decide',
      detail: 'self-approval is not allowed',
    };
  }
  const email = caller.email?.trim().toLowerCase();
  if (!rules.allowSelfApproval && email && email === input.committerEmail?.trim().toLowerCase()) {
    return {
      status: 403,
      message:
        'you committed the change being deployed; the environment’s policy does not allow self-approval, someone else must decide',
      detail: 'self-approval is not allowed (you committed the change)',
    };
  }
  const needed = gateRolePermissions(rules.role, input.customRoles);
  if (!needed && !caller.platformAdmin) {
    return {
      status: 403,
      message:
        subject === 'gate'
          ? `the gate names the role ${rules.role}, which workspace "${input.workspace}" does not have; only a platform admin may decide it (or fix the pipeline and run again)`
          : `the environment’s policy names the role ${rules.role}, which workspace "${input.workspace}" does not have; only a platform admin may decide it`,
      detail: `the role ${rules.role} does not exist`,
    };
  }
  const missing = (needed ?? []).filter(
    (permission) => !caller.held[PERMISSIONS[permission].level].includes(permission),
  );
  if (missing.length > 0) {
    return {
      status: 403,
      message: `only the role ${rules.role} (or one with its rights) may decide this ${noun}; you lack ${missing.join(', ')}`,
      detail: `needs the role ${rules.role}`,
    };
  }
  if (input.decisions.some((d) => d.userId === caller.userId)) {
    return { status: 409, message: `you already decided on this ${noun}`, detail: 'you already decided' };
  }
  return null;
}

/**
 * Whether a decision the caller may make is a platform admin's override: the role it needs
 * does not exist in the workspace, so only the admin's platform rights let them decide.
 */
export function isAdminOverride(
  role: string,
  customRoles: ReadonlyMap<string, readonly Permission[]>,
  platformAdmin: boolean,
): boolean {
  return platformAdmin && !gateRolePermissions(role, customRoles);
}

/** The rule of `approvalRefusal` for a pipeline gate (its job attempt's status and decisions). */
export function gateRefusal(input: GateDecisionInput): GateRefusal | null {
  const { gate } = input;
  const closed =
    gate.status === 'waiting' ? null : gate.status === 'pending' ? 'not open yet' : `already ${gate.status}`;
  return approvalRefusal({ ...input, subject: 'gate', closed, decisions: gate.decisions });
}

import type { ReleaseTrigger } from '@slipway/contracts';
import type { ApprovalInsert } from './releases.repo.ts';

/** The environment's policy columns a new release is admitted by. */
export interface EnvironmentPolicy {
  workspaceId: string;
  name: string;
  requiredApprovals: number;
  approverRole: string;
  allowSelfApproval: boolean;
  approvalExpiryMinutes: number;
}

/** How a new release starts out: waiting for approval (with the request to store) or queued. */
export type Admission =
  | { status: 'awaiting-approval'; approval: ApprovalInsert; holdReason: string; log: string }
  | { status: 'queued'; holdReason: null; log: null };

/**
 * Where a release into `environment` starts, by the environment's approval policy — never by
 * what the pipeline says: with `requiredApprovals` > 0 it waits for that many approvals of the
 * approver role (a request that lapses after `approvalExpiryMinutes`), else it goes straight
 * into the environment's deploy queue. An automatic rollback restores a release that was
 * approved already and is not asked again.
 */
export function admissionOf(input: {
  environment: EnvironmentPolicy;
  trigger: ReleaseTrigger;
  requestedBy: { id: string | null; name: string };
  committerEmail?: string | null | undefined;
  now: Date;
}): Admission {
  const { environment } = input;
  if (environment.requiredApprovals <= 0 || input.trigger === 'auto-rollback') {
    return { status: 'queued', holdReason: null, log: null };
  }
  const needs = `${environment.requiredApprovals} approval${environment.requiredApprovals === 1 ? '' : 's'} of the role ${environment.approverRole}`;
  return {
    status: 'awaiting-approval',
    approval: {
      workspaceId: environment.workspaceId,
      required: environment.requiredApprovals,
      approverRole: environment.approverRole,
      allowSelfApproval: environment.allowSelfApproval,
      expiryMinutes: environment.approvalExpiryMinutes,
      requestedById: input.requestedBy.id,
      requestedByName: input.requestedBy.name,
      committerEmail: input.committerEmail ?? null,
      expiresAt: new Date(input.now.getTime() + environment.approvalExpiryMinutes * 60_000),
    },
    holdReason: `waiting for ${needs} (environment "${environment.name}" policy)`,
    log: `waiting for ${needs}: the policy of environment "${environment.name}"`,
  };
}

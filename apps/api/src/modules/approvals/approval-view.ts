import type { ApprovalItem } from '@slipway/contracts';

type ApprovalStatus = ApprovalItem['status'];

import { approvalsOf } from '@slipway/pipeline';
import type { GateRefusal } from '../runs/gate-decisions.ts';
import { parseRunSpec } from '../runs/run-spec.ts';
import type { DeployApprovalRow, DeployApprovalSummary, GateRow } from './approvals.repo.ts';

/** A deploy approval's state for deciding: null while open, else in words (see `approvalRefusal`). */
export function deployClosed(
  row: Pick<DeployApprovalRow, 'status' | 'expiresAt'> & { release: { status: string } },
  now: Date,
): string | null {
  if (row.status !== 'pending') return `already ${row.status}`;
  // The run was cancelled (or the release ended otherwise) while it waited.
  if (row.release.status !== 'awaiting-approval')
    return `no longer waiting: its release is ${row.release.status}`;
  return row.expiresAt <= now ? `expired (at ${row.expiresAt.toISOString()})` : null;
}

/** Approvals of the request that still count: given within the last `expiryMinutes`. */
export function countingApprovals(row: Pick<DeployApprovalRow, 'decisions' | 'expiryMinutes'>, now: Date) {
  const since = now.getTime() - row.expiryMinutes * 60_000;
  return row.decisions.filter((d) => d.decision === 'approve' && d.createdAt.getTime() > since).length;
}

/** A deploy approval as the inbox lists it, with whether the caller may decide it. */
export function deployItem(row: DeployApprovalSummary, refusal: GateRefusal | null, now: Date): ApprovalItem {
  const { release } = row;
  return {
    id: row.id,
    kind: 'deploy',
    status: row.status as ApprovalStatus,
    workspace: release.project.workspace.slug,
    project: release.project.slug,
    environment: release.environmentName,
    release: release.number,
    run:
      release.pipelineName !== null && release.runNumber !== null
        ? { pipeline: release.pipelineName, number: release.runNumber }
        : null,
    releaseType: release.run?.releaseType ?? release.trigger,
    gate: null,
    requestedBy: row.requestedByName,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    required: row.required,
    approverRole: row.approverRole,
    approvals: countingApprovals(row, now),
    decisions: row.decisions.map((d) => ({
      user: d.userName,
      decision: d.decision as 'approve' | 'reject',
      comment: d.comment,
      at: d.createdAt.toISOString(),
      adminOverride: d.adminOverride,
    })),
    canDecide: refusal === null,
    reason: refusal?.message ?? null,
  };
}

/** The gate's rules from the spec its run ran (role, count, self-approval). */
export function gateRules(row: GateRow) {
  const rules = approvalsOf(parseRunSpec(row.run.spec)).get(`${row.stage}/${row.name}`);
  if (!rules) throw new Error(`gate ${row.stage}/${row.name} of run ${row.run.id} has no rules`);
  return rules;
}

const GATE_STATUS: Record<string, ApprovalStatus> = {
  waiting: 'pending',
  pending: 'pending',
  succeeded: 'approved',
};

/** A pipeline gate as the inbox lists it, with whether the caller may decide it. */
export function gateItem(row: GateRow, refusal: GateRefusal | null): ApprovalItem {
  const rules = gateRules(row);
  const { run } = row;
  return {
    id: row.id,
    kind: 'gate',
    status: GATE_STATUS[row.status] ?? 'rejected',
    workspace: run.pipeline.project.workspace.slug,
    project: run.pipeline.project.slug,
    environment: run.environmentName,
    release: null,
    run: { pipeline: run.pipeline.name, number: run.number },
    releaseType: run.releaseType,
    gate: `${row.stage}.${row.name}`,
    requestedBy: run.triggeredByName,
    requestedAt: (row.startedAt ?? row.createdAt).toISOString(),
    expiresAt: null,
    required: rules.count,
    approverRole: rules.role,
    approvals: row.decisions.filter((d) => d.decision === 'approve').length,
    decisions: row.decisions.map((d) => ({
      user: d.userName,
      decision: d.decision as 'approve' | 'reject',
      comment: d.comment,
      at: d.createdAt.toISOString(),
      adminOverride: false,
    })),
    canDecide: refusal === null,
    reason: refusal?.message ?? null,
  };
}

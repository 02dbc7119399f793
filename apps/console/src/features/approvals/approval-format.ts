import { type ApprovalDiff, ApprovalDiffSchema, type ApprovalItem } from '@slipway/contracts';
import type { ApiError } from '../../api/client.ts';

/**
 * The new diff of a refused approval, when the refusal says the diff changed since it was
 * shown: a 409 whose `details` name the field `diff` and whose body carries the new diff
 * (`diff` key; the API's stale-diff rule). Any other error (already decided, expired, a
 * policy refusal): undefined.
 */
export function staleDiffOf(error: ApiError): ApprovalDiff | undefined {
  if (error.statusCode !== 409) return undefined;
  if (!error.body.details?.some((detail) => detail.field === 'diff')) return undefined;
  const parsed = ApprovalDiffSchema.safeParse(error.extra('diff'));
  return parsed.success ? parsed.data : undefined;
}

/** `1 of 2 approvals` — approvals that still count against the policy's number. */
export function approvalProgress(item: Pick<ApprovalItem, 'approvals' | 'required'>): string {
  return `${item.approvals} of ${item.required} approval${item.required === 1 ? '' : 's'}`;
}

/** What the request is about, in a few words: `release #4 of shop` or `gate deploy.prod-ok of ci #12`. */
export function approvalSubject(
  item: Pick<ApprovalItem, 'kind' | 'project' | 'release' | 'gate' | 'run'>,
): string {
  if (item.kind === 'deploy') {
    return item.release === null
      ? `a deploy of ${item.project}`
      : `release #${item.release} of ${item.project}`;
  }
  const run = item.run ? ` of ${item.run.pipeline} #${item.run.number}` : '';
  return `gate ${item.gate ?? ''}${run}`.replace('gate  of', 'gate of');
}

/** How many manifest objects each action touches, in a fixed order, skipping zeros: `1 create, 2 update`. */
export function manifestSummary(manifests: ApprovalDiff['manifests']): string {
  const order = ['create', 'update', 'prune', 'unchanged'] as const;
  const counts = order
    .map((action) => [action, manifests.filter((m) => m.action === action).length] as const)
    .filter(([, count]) => count > 0)
    .map(([action, count]) => `${count} ${action}`);
  return counts.length > 0 ? counts.join(', ') : 'no objects';
}

import type { ApprovalsReportRowSchema, ReleaseStatus, ReleaseTrigger } from '@slipway/contracts';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import type { Actor } from '../../lib/actor.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { PromotionRepo } from './promotion.repo.ts';
import type { ReleasesRepo } from './releases.repo.ts';

export type ApprovalsReportRow = z.infer<typeof ApprovalsReportRowSchema>;
type ReportRelease = Awaited<ReturnType<PromotionRepo['reportReleases']>>[number];

/** Flags of a release whose deploy went around the environment's policy, or needed none. */
export type ReportFlag = 'freeze-broken' | 'admin-override' | 'self-approved' | 'no-approval-required';

/**
 * One report row of a release: who started it, who approved and rejected it, and flags —
 * `freeze-broken` (an admin let it deploy during a freeze window), `admin-override` (a
 * platform admin decided without holding the approver role), `self-approved` (an approval
 * by whoever requested the deploy, or by the commit's author — `emails` maps decision user
 * ids to their e-mail addresses), `no-approval-required` (the policy asked for none, or an
 * automatic rollback).
 */
export function reportRowOf(release: ReportRelease, emails: ReadonlyMap<string, string>): ApprovalsReportRow {
  const approval = release.approval;
  const decisions = approval?.decisions ?? [];
  const approvals = decisions.filter((d) => d.decision === 'approve');
  const committer = approval?.committerEmail?.toLowerCase() ?? null;
  const selfApproved = approvals.some(
    (d) =>
      (approval?.requestedById !== null && d.userId === approval?.requestedById) ||
      (committer !== null && emails.get(d.userId)?.toLowerCase() === committer),
  );
  const flags: ReportFlag[] = [];
  if (release.freezeBreak) flags.push('freeze-broken');
  if (decisions.some((d) => d.adminOverride)) flags.push('admin-override');
  if (selfApproved) flags.push('self-approved');
  if (!approval || approval.required === 0) flags.push('no-approval-required');
  return {
    project: release.project.slug,
    release: release.number,
    status: release.status as ReleaseStatus,
    trigger: release.trigger as ReleaseTrigger,
    createdBy: release.createdByName,
    createdAt: release.createdAt.toISOString(),
    required: approval?.required ?? 0,
    approvedBy: approvals.map((d) => d.userName),
    rejectedBy: decisions.filter((d) => d.decision === 'reject').map((d) => d.userName),
    flags,
    freezeBreak: (release.freezeBreak as ApprovalsReportRow['freezeBreak']) ?? null,
  };
}

/** The CSV columns, in order (lists joined with `; `). */
const CSV_COLUMNS: { header: string; value: (row: ApprovalsReportRow) => string | number | null }[] = [
  { header: 'project', value: (r) => r.project },
  { header: 'release', value: (r) => r.release },
  { header: 'status', value: (r) => r.status },
  { header: 'trigger', value: (r) => r.trigger },
  { header: 'created_by', value: (r) => r.createdBy },
  { header: 'created_at', value: (r) => r.createdAt },
  { header: 'required_approvals', value: (r) => r.required },
  { header: 'approved_by', value: (r) => r.approvedBy.join('; ') },
  { header: 'rejected_by', value: (r) => r.rejectedBy.join('; ') },
  { header: 'flags', value: (r) => r.flags.join('; ') },
  { header: 'freeze_broken_by', value: (r) => r.freezeBreak?.by ?? null },
  { header: 'freeze_break_reason', value: (r) => r.freezeBreak?.reason ?? null },
  { header: 'freeze_broken_at', value: (r) => r.freezeBreak?.at ?? null },
];

/**
 * The report as CSV (RFC 4180 through csv-stringify: a header row, CRLF line ends, quotes
 * where needed, cells a spreadsheet would run as a formula escaped — a username or a reason
 * is user input).
 */
export function approvalsReportCsv(rows: readonly ApprovalsReportRow[]): string {
  return stringify(
    rows.map((row) => CSV_COLUMNS.map((column) => column.value(row))),
    {
      header: true,
      columns: CSV_COLUMNS.map((column) => column.header),
      escape_formulas: true,
      record_delimiter: 'windows',
    },
  );
}

/**
 * Separation of duties (issue #14 item 7): per release of an environment, newest first, who
 * approved it and where policy was broken. Needs `workspace.audit.read`.
 */
export function createApprovalsReport(deps: {
  promotion: PromotionRepo;
  releases: ReleasesRepo;
  workspaces: WorkspacesService;
}) {
  return {
    async report(
      actor: Actor,
      workspaceSlug: string,
      environmentName: string,
      query: { since?: string | undefined; until?: string | undefined },
    ): Promise<{ items: ApprovalsReportRow[] }> {
      const workspace = await deps.workspaces.authorize(actor, workspaceSlug, 'workspace.audit.read');
      const environment = await deps.releases.environmentByName(workspace.id, environmentName);
      if (!environment) {
        throw new NotFoundError(`environment "${environmentName}" not found in workspace "${workspaceSlug}"`);
      }
      const releases = await deps.promotion.reportReleases(environment.id, {
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      });
      const emails = await deps.promotion.emailsOf([
        ...new Set(
          releases.flatMap((r) =>
            r.approval?.committerEmail ? r.approval.decisions.map((d) => d.userId) : [],
          ),
        ),
      ]);
      return { items: releases.map((release) => reportRowOf(release, emails)) };
    },
  };
}

export type ApprovalsReport = ReturnType<typeof createApprovalsReport>;

import type { NotificationEventType } from '@slipway/contracts';

/**
 * Something people must hear about, as the parts that cause it report it: the release it is
 * about and, for decisions, who decided what. The notifier (modules/notifications) reads the
 * release, its project, workspace, run and approval, builds the payload
 * (`NotificationPayloadSchema`), picks the recipients (approvers for `approval.requested`,
 * whoever started the deploy for the rest) and stores one delivery per channel in the outbox.
 * Reporting never fails and never waits for a channel: a channel that is down shows in its
 * delivery log.
 */
export interface DeployNotification {
  event: NotificationEventType;
  releaseId: string;
  /** approval.decided. */
  decision?: { decision: 'approve' | 'reject'; by: string; comment: string | null } | undefined;
  /** release.failed, release.rolled-back: why. */
  reason?: string | undefined;
}

/** Reports a notification; resolves once it is stored (never rejects). */
export type Notify = (notification: DeployNotification) => Promise<void>;

/** A notifier that drops everything (tests and modules that need none). */
export const notifyNobody: Notify = async () => {};

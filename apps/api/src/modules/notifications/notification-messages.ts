import { createHmac } from 'node:crypto';
import type { NotificationPayload } from '@slipway/contracts';
import type { DeployNotification } from './notify.ts';

/** What a notification is about, as read from the release (see `NotificationsRepo.releaseContext`). */
export interface ReleaseContext {
  workspace: string;
  project: string;
  environment: string;
  release: number;
  run: { pipeline: string; number: number } | null;
  /** Who started the deploy (the release's creator). */
  requestedBy: string;
}

/** The header carrying a webhook body's HMAC-SHA256 signature (`sha256=<hex>`). */
export const SIGNATURE_HEADER = 'x-slipway-signature';
export const EVENT_HEADER = 'x-slipway-event';
export const DELIVERY_HEADER = 'x-slipway-delivery';

/**
 * The id of a notification's event, the same however often it is reported: one per release
 * and event, one per person for decisions. A channel gets each event once (the outbox's
 * unique `(channel_id, event_key)`), and receivers can recognise a repeated delivery by it.
 */
export function eventKeyOf(notification: DeployNotification): string {
  const base = `${notification.event}:${notification.releaseId}`;
  return notification.decision ? `${base}:${notification.decision.by}` : base;
}

/** One line for people (chat text, e-mail subject), e.g. `shop/web release 12 deployed to production`. */
export function summaryOf(context: ReleaseContext, notification: DeployNotification): string {
  const subject = `${context.workspace}/${context.project} release ${context.release}`;
  const reason = notification.reason ? `: ${notification.reason}` : '';
  switch (notification.event) {
    case 'approval.requested':
      return `${subject} to ${context.environment} waits for approval (started by ${context.requestedBy})`;
    case 'approval.decided': {
      const decision = notification.decision;
      if (!decision) return `${subject} to ${context.environment}: approval decided`;
      const verb = decision.decision === 'approve' ? 'approved' : 'rejected';
      return `${subject} to ${context.environment} ${verb} by ${decision.by}${decision.comment ? `: ${decision.comment}` : ''}`;
    }
    case 'release.succeeded':
      return `${subject} deployed to ${context.environment}`;
    case 'release.failed':
      return `${subject} to ${context.environment} failed${reason}`;
    case 'release.rolled-back':
      return `${subject} in ${context.environment} rolled back${reason}`;
  }
}

/**
 * The console page of a release: `<public URL>/workspaces/<w>/projects/<p>/releases/<n>` (the
 * console's `paths.release`); null without SLIPWAY_PUBLIC_URL (the server cannot know the
 * address people reach it at outside a request).
 */
export function releaseUrlOf(publicUrl: string | undefined, context: ReleaseContext): string | null {
  if (!publicUrl) return null;
  const segment = encodeURIComponent;
  return `${publicUrl.replace(/\/+$/, '')}/workspaces/${segment(context.workspace)}/projects/${segment(context.project)}/releases/${context.release}`;
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the channel's secret (GitHub's scheme). */
export function signatureOf(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * A Slack-compatible incoming-webhook message: `text` (the fallback shown in notifications)
 * and Block Kit `blocks` — a section with the summary (linked to the release when the URL is
 * known) and a context line with workspace, project, environment, run and who started it.
 * See https://api.slack.com/messaging/webhooks and https://api.slack.com/reference/block-kit/blocks.
 */
export function slackMessageOf(payload: NotificationPayload): { text: string; blocks: unknown[] } {
  const mrkdwn = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const summary = mrkdwn(payload.summary);
  const facts = [
    payload.project
      ? `*${mrkdwn(payload.workspace)}/${mrkdwn(payload.project)}*`
      : `*${mrkdwn(payload.workspace)}*`,
    payload.environment ? `environment ${mrkdwn(payload.environment)}` : null,
    payload.run ? `run ${mrkdwn(payload.run.pipeline)} #${payload.run.number}` : null,
    `started by ${mrkdwn(payload.requestedBy)}`,
  ].filter((fact): fact is string => fact !== null);
  return {
    text: payload.summary,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: payload.url ? `<${payload.url}|${summary}>` : summary },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] },
    ],
  };
}

/** The e-mail of a notification: subject `[Slipway] <summary>`, a plain-text body. */
export function emailOf(payload: NotificationPayload): { subject: string; text: string } {
  const lines = [
    payload.summary,
    '',
    `Workspace:   ${payload.workspace}`,
    ...(payload.project ? [`Project:     ${payload.project}`] : []),
    ...(payload.environment ? [`Environment: ${payload.environment}`] : []),
    ...(payload.release !== null ? [`Release:     ${payload.release}`] : []),
    ...(payload.run ? [`Run:         ${payload.run.pipeline} #${payload.run.number}`] : []),
    `Started by:  ${payload.requestedBy}`,
    ...(payload.decision
      ? [
          `Decision:    ${payload.decision.decision} by ${payload.decision.by}${payload.decision.comment ? ` (${payload.decision.comment})` : ''}`,
        ]
      : []),
    ...(payload.url ? ['', payload.url] : []),
  ];
  return { subject: `[Slipway] ${payload.summary}`, text: `${lines.join('\n')}\n` };
}

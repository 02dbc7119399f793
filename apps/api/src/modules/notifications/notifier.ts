import { randomUUID } from 'node:crypto';
import {
  type NotificationEventType,
  type NotificationPayload,
  PERMISSIONS,
  type Permission,
} from '@slipway/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../lib/actor.ts';
import type { AccessService } from '../access/access.service.ts';
import { gateRolePermissions } from '../runs/gate-decisions.ts';
import { eventKeyOf, type ReleaseContext, releaseUrlOf, summaryOf } from './notification-messages.ts';
import type { NotificationChannelRow, NotificationsRepo } from './notifications.repo.ts';
import type { DeployNotification, Notify } from './notify.ts';

/** Whether a channel's `events` filter lets an event through (empty: every event). */
export function channelWants(channel: { events: string[] }, event: NotificationEventType): boolean {
  return channel.events.length === 0 || channel.events.includes(event);
}

/**
 * The notifier behind `Notify`: reads the release (project, workspace, run, approval), builds
 * the payload (`NotificationPayloadSchema`), picks the e-mail recipients — for
 * `approval.requested` the people who may decide it, for every other event whoever started
 * the deploy — and stores one delivery per enabled channel whose `events` filter allows the
 * event (e-mail channels: the event's people plus the channel's own `recipients`; one with
 * nobody to write to gets none). It only writes the outbox; the sender delivers. It never
 * rejects: a failure is logged, the deploy goes on.
 */
export function createNotifier(deps: {
  repo: NotificationsRepo;
  access: AccessService;
  /** The workspace's custom roles by name with their permissions (the approver role may be one). */
  customRoles: (workspaceId: string) => Promise<ReadonlyMap<string, readonly Permission[]>>;
  publicUrl?: string | undefined;
  logger?: FastifyBaseLogger | undefined;
  /** Deliveries were stored: the sender may look now (this process only). */
  stored?: () => void;
}): Notify {
  const { repo } = deps;

  type Release = NonNullable<Awaited<ReturnType<NotificationsRepo['releaseOf']>>>;

  /**
   * Who may decide the release's approval, by the gate rule (`gateRefusal`): `approval.decide`
   * on the project and every permission of the approver role at its level; not the starter
   * nor the committer unless self-approval is allowed. A role the workspace does not have can
   * be decided by platform admins only, so they are told then.
   */
  async function approvers(release: Release): Promise<string[]> {
    const approval = release.approval;
    if (!approval) return [];
    const workspaceId = release.project.workspaceId;
    const needed = gateRolePermissions(approval.approverRole, await deps.customRoles(workspaceId));
    const candidates = await repo.approverCandidates(workspaceId, release.projectId, !needed);
    const project = { id: release.projectId, slug: release.project.slug, workspaceId };
    const workspace = { id: workspaceId, slug: release.project.workspace.slug };
    const emails: string[] = [];
    for (const candidate of candidates) {
      if (!candidate.email) continue;
      if (!approval.allowSelfApproval) {
        if (candidate.id === approval.requestedById) continue;
        const committer = approval.committerEmail?.toLowerCase();
        if (committer && candidate.email.toLowerCase() === committer) continue;
      }
      if (!needed) {
        if (candidate.platformAdmin) emails.push(candidate.email);
        continue;
      }
      const actor: Actor = {
        userId: candidate.id,
        username: candidate.username,
        platformAdmin: candidate.platformAdmin,
        via: 'session',
        ipAddress: '',
      };
      const held = await deps.access.permissionsFor(actor, { workspace, project });
      const holds = (permission: Permission) => held[PERMISSIONS[permission].level].includes(permission);
      if (holds('approval.decide') && needed.every(holds)) emails.push(candidate.email);
    }
    return emails;
  }

  async function recipientsOf(release: Release, event: NotificationEventType): Promise<string[]> {
    if (event === 'approval.requested') return approvers(release);
    const email = release.createdById ? await repo.emailOf(release.createdById) : null;
    return email ? [email] : [];
  }

  function deliveryOf(channel: NotificationChannelRow, people: string[]): { recipients: string[] } | null {
    if (channel.type !== 'email') return { recipients: [] };
    const recipients = [...new Set([...people, ...channel.recipients].map((a) => a.toLowerCase()))];
    return recipients.length > 0 ? { recipients } : null;
  }

  async function store(notification: DeployNotification): Promise<void> {
    const release = await repo.releaseOf(notification.releaseId);
    if (!release) return;
    const channels = (await repo.enabledChannels(release.project.workspaceId)).filter((channel) =>
      channelWants(channel, notification.event),
    );
    if (channels.length === 0) return;
    const context: ReleaseContext = {
      workspace: release.project.workspace.slug,
      project: release.project.slug,
      environment: release.environmentName,
      release: release.number,
      run:
        release.pipelineName && release.runNumber !== null
          ? { pipeline: release.pipelineName, number: release.runNumber }
          : null,
      requestedBy: release.createdByName,
    };
    const eventKey = eventKeyOf(notification);
    const payload: NotificationPayload = {
      event: notification.event,
      id: eventKey,
      at: new Date().toISOString(),
      workspace: context.workspace,
      project: context.project,
      environment: context.environment,
      release: context.release,
      run: context.run,
      requestedBy: context.requestedBy,
      decision: notification.decision ?? null,
      summary: summaryOf(context, notification),
      url: releaseUrlOf(deps.publicUrl, context),
    };
    const people = channels.some((channel) => channel.type === 'email')
      ? await recipientsOf(release, notification.event)
      : [];
    const rows = channels.flatMap((channel) => {
      const delivery = deliveryOf(channel, people);
      return delivery
        ? [{ channelId: channel.id, event: notification.event, eventKey, payload, ...delivery }]
        : [];
    });
    if ((await repo.insertDeliveries(rows)) > 0) deps.stored?.();
  }

  return async (notification) => {
    try {
      await store(notification);
    } catch (error) {
      deps.logger?.error(
        { err: error, release: notification.releaseId, event: notification.event },
        'storing a notification failed',
      );
    }
  };
}

/** A test notification's payload for a channel (the `test` endpoint). */
export function testPayloadOf(input: {
  workspace: string;
  channel: string;
  requestedBy: string;
}): NotificationPayload {
  return {
    event: 'test',
    id: `test:${randomUUID()}`,
    at: new Date().toISOString(),
    workspace: input.workspace,
    project: '',
    environment: '',
    release: null,
    run: null,
    requestedBy: input.requestedBy,
    decision: null,
    summary: `Test notification of channel ${input.channel} in workspace ${input.workspace}, sent by ${input.requestedBy}`,
    url: null,
  };
}

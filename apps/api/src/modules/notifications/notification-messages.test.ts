import { createHmac } from 'node:crypto';
import type { NotificationPayload } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import {
  emailOf,
  eventKeyOf,
  type ReleaseContext,
  releaseUrlOf,
  signatureOf,
  slackMessageOf,
  summaryOf,
} from './notification-messages.ts';
import { retryDelayMs } from './notification-sender.ts';
import { channelWants } from './notifier.ts';

const CONTEXT: ReleaseContext = {
  workspace: 'shop',
  project: 'web',
  environment: 'production',
  release: 12,
  run: { pipeline: 'ci', number: 40 },
  requestedBy: 'alice',
};
const PAYLOAD: NotificationPayload = {
  event: 'approval.decided',
  id: 'approval.decided:r1:bob',
  at: '2026-12-01T10:00:00.000Z',
  workspace: 'shop',
  project: 'web',
  environment: 'production',
  release: 12,
  run: { pipeline: 'ci', number: 40 },
  requestedBy: 'alice',
  decision: { decision: 'reject', by: 'bob', comment: 'not on a Friday <please>' },
  summary: 'shop/web release 12 to production rejected by bob: not on a Friday <please>',
  url: 'https://slipway.example.com/workspaces/shop/projects/web/releases/12',
};

describe('notification messages', () => {
  it('says in one line what happened, with the decision or reason', () => {
    const of = (n: Parameters<typeof summaryOf>[1]) => summaryOf(CONTEXT, n);
    expect(of({ event: 'approval.requested', releaseId: 'r1' })).toBe(
      'shop/web release 12 to production waits for approval (started by alice)',
    );
    expect(
      of({
        event: 'approval.decided',
        releaseId: 'r1',
        decision: { decision: 'approve', by: 'bob', comment: null },
      }),
    ).toBe('shop/web release 12 to production approved by bob');
    expect(of({ event: 'release.succeeded', releaseId: 'r1' })).toBe(
      'shop/web release 12 deployed to production',
    );
    expect(
      of({ event: 'release.failed', releaseId: 'r1', reason: 'Deployment/web: ProgressDeadlineExceeded' }),
    ).toBe('shop/web release 12 to production failed: Deployment/web: ProgressDeadlineExceeded');
    expect(of({ event: 'release.rolled-back', releaseId: 'r1', reason: 'rollout failed' })).toBe(
      'shop/web release 12 in production rolled back: rollout failed',
    );
  });

  it('keys an event by release, and a decision by who decided', () => {
    expect(eventKeyOf({ event: 'release.succeeded', releaseId: 'r1' })).toBe('release.succeeded:r1');
    expect(
      eventKeyOf({
        event: 'approval.decided',
        releaseId: 'r1',
        decision: { decision: 'approve', by: 'bob', comment: null },
      }),
    ).toBe('approval.decided:r1:bob');
  });

  it('signs the exact body bytes with HMAC-SHA256', () => {
    const body = JSON.stringify(PAYLOAD);
    expect(signatureOf('s3cret-key', body)).toBe(
      `sha256=${createHmac('sha256', 's3cret-key').update(Buffer.from(body)).digest('hex')}`,
    );
    expect(signatureOf('s3cret-key', `${body} `)).not.toBe(signatureOf('s3cret-key', body));
  });

  it('links the console page of the release only with a public URL', () => {
    expect(releaseUrlOf('https://slipway.example.com/', CONTEXT)).toBe(
      'https://slipway.example.com/workspaces/shop/projects/web/releases/12',
    );
    expect(releaseUrlOf(undefined, CONTEXT)).toBeNull();
  });

  it('builds a Slack message: text, a linked section with mrkdwn escaped, and a context line', () => {
    const message = slackMessageOf(PAYLOAD);
    expect(message.text).toBe(PAYLOAD.summary);
    expect(message.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '<https://slipway.example.com/workspaces/shop/projects/web/releases/12|shop/web release 12 to production rejected by bob: not on a Friday &lt;please&gt;>',
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '*shop/web* · environment production · run ci #40 · started by alice' },
        ],
      },
    ]);
  });

  it('writes an e-mail with the summary as subject and the facts in the body', () => {
    const mail = emailOf(PAYLOAD);
    expect(mail.subject).toBe(`[Slipway] ${PAYLOAD.summary}`);
    expect(mail.text).toContain('Decision:    reject by bob (not on a Friday <please>)');
    expect(mail.text).toContain(PAYLOAD.url);
  });

  it('backs off exponentially and filters events by the channel', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 10_000))).toEqual([
      10_000, 20_000, 40_000, 80_000,
    ]);
    expect(channelWants({ events: [] }, 'release.failed')).toBe(true);
    expect(channelWants({ events: ['release.failed'] }, 'release.succeeded')).toBe(false);
  });
});

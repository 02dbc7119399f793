import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryIdOf, parseDelivery, verifyDelivery } from './webhook-events.ts';
import { matchWebhook, type WebhookFilters } from './webhook-filters.ts';

const SECRET = 'a-webhook-secret-of-some-length';
const SHA = 'a'.repeat(40);

function githubSignature(body: Buffer, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

const githubPush = (ref: string, extra: Record<string, unknown> = {}) =>
  json({
    ref,
    before: '0'.repeat(40),
    after: SHA,
    deleted: false,
    commits: [
      { id: '1', added: ['src/new.ts'], modified: ['README.md'], removed: [] },
      { id: '2', added: [], modified: ['src/new.ts'], removed: ['docs/old.md'] },
    ],
    ...extra,
  });

describe('verifyDelivery', () => {
  const body = githubPush('refs/heads/main');

  it('accepts a GitHub signature over the raw body', () => {
    const headers = { 'x-hub-signature-256': githubSignature(body) };
    expect(verifyDelivery('github', SECRET, headers, body)).toEqual({ ok: true });
  });

  it('refuses a GitHub signature made with another secret, over another body, or missing', () => {
    const wrongKey = { 'x-hub-signature-256': githubSignature(body, 'another-secret-entirely') };
    expect(verifyDelivery('github', SECRET, wrongKey, body)).toMatchObject({ ok: false });
    const tampered = Buffer.concat([body, Buffer.from(' ')]);
    expect(
      verifyDelivery('github', SECRET, { 'x-hub-signature-256': githubSignature(body) }, tampered),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifyDelivery('github', SECRET, {}, body)).toEqual({
      ok: false,
      reason: expect.stringMatching(/missing X-Hub-Signature-256/),
    });
  });

  it('refuses a malformed GitHub signature without throwing (wrong length, SHA-1 form)', () => {
    for (const signature of ['sha256=abc', `sha1=${'0'.repeat(40)}`, 'garbage']) {
      expect(verifyDelivery('github', SECRET, { 'x-hub-signature-256': signature }, body)).toEqual({
        ok: false,
        reason: 'malformed X-Hub-Signature-256 header',
      });
    }
  });

  it('compares the GitLab token in constant time, whatever its length', () => {
    expect(verifyDelivery('gitlab', SECRET, { 'x-gitlab-token': SECRET }, body)).toEqual({ ok: true });
    expect(verifyDelivery('gitlab', SECRET, { 'x-gitlab-token': 'short' }, body)).toMatchObject({
      ok: false,
    });
    expect(verifyDelivery('gitlab', SECRET, { 'x-gitlab-token': `${SECRET}x` }, body)).toMatchObject({
      ok: false,
    });
    expect(verifyDelivery('gitlab', SECRET, {}, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/missing X-Gitlab-Token/),
    });
  });

  it('never accepts a GitLab token for a GitHub webhook', () => {
    expect(verifyDelivery('github', SECRET, { 'x-gitlab-token': SECRET }, body)).toMatchObject({ ok: false });
  });
});

describe('parseDelivery', () => {
  it('reads a GitHub branch push: branch, commit, every changed file once', () => {
    const headers = { 'x-github-event': 'push', 'x-github-delivery': 'guid-1' };
    expect(parseDelivery('github', headers, githubPush('refs/heads/feature/x'))).toEqual({
      ok: true,
      event: {
        kind: 'push',
        event: 'push',
        ref: 'refs/heads/feature/x',
        branch: 'feature/x',
        sha: SHA,
        deleted: false,
        changedPaths: ['src/new.ts', 'README.md', 'docs/old.md'],
        changedPathsComplete: true,
        deliveryId: 'guid-1',
      },
    });
  });

  it('reads a GitHub tag push and a branch deletion', () => {
    const tag = parseDelivery('github', { 'x-github-event': 'push' }, githubPush('refs/tags/v1.2.0'));
    expect(tag).toMatchObject({ ok: true, event: { kind: 'tag', tag: 'v1.2.0', sha: SHA } });
    const deleted = parseDelivery(
      'github',
      { 'x-github-event': 'push' },
      githubPush('refs/heads/gone', { after: '0'.repeat(40), deleted: true, commits: [] }),
    );
    expect(deleted).toMatchObject({ ok: true, event: { kind: 'push', deleted: true, sha: null } });
  });

  it('answers a GitHub ping without reading the payload, and treats other events as other', () => {
    expect(parseDelivery('github', { 'x-github-event': 'ping' }, json({ zen: 'hi' }))).toMatchObject({
      ok: true,
      event: { kind: 'ping' },
    });
    expect(parseDelivery('github', { 'x-github-event': 'issues' }, json({ action: 'opened' }))).toMatchObject(
      {
        ok: true,
        event: { kind: 'other', event: 'issues' },
      },
    );
  });

  it('reads a form-encoded GitHub delivery', () => {
    const body = Buffer.from(`payload=${encodeURIComponent(githubPush('refs/heads/main').toString())}`);
    const headers = { 'x-github-event': 'push', 'content-type': 'application/x-www-form-urlencoded' };
    expect(parseDelivery('github', headers, body)).toMatchObject({ ok: true, event: { branch: 'main' } });
  });

  it('reports a payload that is not JSON or lacks the ref', () => {
    expect(parseDelivery('github', { 'x-github-event': 'push' }, Buffer.from('{nope'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not valid JSON/),
    });
    expect(parseDelivery('github', { 'x-github-event': 'push' }, json({ after: SHA }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed: ref/),
    });
  });

  it('reads GitLab push and tag push hooks, checkout_sha, and truncated commit lists', () => {
    const push = json({
      object_kind: 'push',
      ref: 'refs/heads/main',
      after: SHA,
      checkout_sha: SHA,
      total_commits_count: 25,
      commits: [{ id: '1', added: [], modified: ['app.py'], removed: [] }],
    });
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Push Hook' }, push)).toMatchObject({
      ok: true,
      event: {
        kind: 'push',
        branch: 'main',
        sha: SHA,
        changedPaths: ['app.py'],
        changedPathsComplete: false,
      },
    });
    const tag = json({
      object_kind: 'tag_push',
      ref: 'refs/tags/v2',
      after: SHA,
      checkout_sha: SHA,
      commits: [],
    });
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, tag)).toMatchObject({
      ok: true,
      event: { kind: 'tag', tag: 'v2', changedPathsComplete: true },
    });
    const removed = json({
      object_kind: 'tag_push',
      ref: 'refs/tags/v2',
      after: '0'.repeat(40),
      checkout_sha: null,
    });
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, removed)).toMatchObject({
      ok: true,
      event: { kind: 'tag', deleted: true, sha: null },
    });
    const mergeRequest = json({ object_kind: 'merge_request' });
    expect(parseDelivery('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, mergeRequest)).toMatchObject({
      ok: true,
      event: { kind: 'other' },
    });
  });
});

describe('values a push gives a run', () => {
  it('refuses a commit that is no commit id and a ref with control characters (they would reach steps)', () => {
    const headers = { 'x-github-event': 'push' };
    expect(parseDelivery('github', headers, json({ ref: 'refs/heads/main', after: '$(id)' }))).toEqual({
      ok: false,
      reason: 'the push payload is malformed: after: not a commit id',
    });
    expect(parseDelivery('github', headers, json({ ref: 'refs/heads/a\u0000b', after: SHA }))).toEqual({
      ok: false,
      reason: 'the push payload is malformed: ref: a ref cannot contain control characters',
    });
    expect(
      parseDelivery('github', headers, json({ ref: 'refs/heads/$(id)', after: 'b'.repeat(64) })),
    ).toMatchObject({
      ok: true,
      event: { branch: '$(id)', sha: 'b'.repeat(64) },
    });
  });
});

describe('deliveryIdOf', () => {
  it('uses X-GitHub-Delivery, and GitLab’s Idempotency-Key before X-Gitlab-Event-UUID', () => {
    expect(deliveryIdOf('github', { 'x-github-delivery': 'abc' })).toBe('abc');
    expect(deliveryIdOf('gitlab', { 'x-gitlab-event-uuid': 'uuid', 'idempotency-key': 'key' })).toBe('key');
    expect(deliveryIdOf('gitlab', { 'x-gitlab-event-uuid': 'uuid' })).toBe('uuid');
  });

  it('ignores missing, blank and unprintable ids', () => {
    expect(deliveryIdOf('github', {})).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': '  ' })).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': 'a b' })).toBeNull();
    expect(deliveryIdOf('github', { 'x-github-delivery': 'x'.repeat(201) })).toBeNull();
  });
});

describe('matchWebhook', () => {
  const filters: WebhookFilters = { events: ['push', 'tag'], branches: [], tags: [], paths: [] };
  const push = (branch: string, changedPaths: string[] = ['src/a.ts'], complete = true) => ({
    kind: 'push' as const,
    event: 'push',
    ref: `refs/heads/${branch}`,
    branch,
    sha: SHA,
    deleted: false,
    changedPaths,
    changedPathsComplete: complete,
    deliveryId: null,
  });
  const tag = (name: string) => ({ ...push('x'), kind: 'tag' as const, ref: `refs/tags/${name}`, tag: name });

  it('matches any branch or tag without filters and builds that ref', () => {
    expect(matchWebhook(filters, push('main'))).toEqual({
      matches: true,
      ref: 'main',
      reason: 'push to main',
    });
    expect(matchWebhook(filters, tag('v1'))).toEqual({
      matches: true,
      ref: 'refs/tags/v1',
      reason: 'tag v1',
    });
  });

  it('names the branch filter that refused, with globs across segments', () => {
    const only = { ...filters, branches: ['main', 'release/*'] };
    expect(matchWebhook(only, push('release/1.0'))).toMatchObject({ matches: true });
    expect(matchWebhook(only, push('release/1.0/hotfix'))).toEqual({
      matches: false,
      reason: 'branch "release/1.0/hotfix" matches none of the branch filters: main, release/*',
    });
    expect(matchWebhook({ ...filters, branches: ['release/**'] }, push('release/1.0/hotfix'))).toMatchObject({
      matches: true,
    });
  });

  it('applies tag filters to tags and the events list to both', () => {
    expect(matchWebhook({ ...filters, tags: ['v*'] }, tag('nightly'))).toMatchObject({
      matches: false,
      reason: expect.stringMatching(/tag filters: v\*/),
    });
    expect(matchWebhook({ ...filters, events: ['push'] }, tag('v1'))).toMatchObject({
      matches: false,
      reason: 'tag events are not enabled (events: push)',
    });
    expect(matchWebhook({ ...filters, events: ['tag'] }, push('main'))).toMatchObject({ matches: false });
  });

  it('runs a push only when a changed file matches the path filters', () => {
    const docs = { ...filters, paths: ['docs/**'] };
    expect(matchWebhook(docs, push('main', ['docs/guide/intro.md']))).toMatchObject({
      matches: true,
      reason: 'push to main changed docs/guide/intro.md',
    });
    expect(matchWebhook(docs, push('main', ['src/a.ts', 'README.md']))).toEqual({
      matches: false,
      reason: 'none of the 2 changed files matches the path filters: docs/**',
    });
    expect(matchWebhook(docs, push('main', ['src/a.ts'], false))).toMatchObject({ matches: true });
  });

  it('ignores deletions, pings and other events', () => {
    expect(matchWebhook(filters, { ...push('old'), deleted: true, sha: null })).toEqual({
      matches: false,
      reason: 'branch "old" was deleted',
    });
    expect(matchWebhook(filters, { ...push('x'), kind: 'ping' })).toMatchObject({ matches: false });
    expect(matchWebhook(filters, { ...push('x'), kind: 'other', event: 'issues', ref: null })).toEqual({
      matches: false,
      reason: 'event "issues" is not a branch push or tag push',
    });
  });
});

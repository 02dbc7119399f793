import type { ApprovalDiff } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { approvalProgress, approvalSubject, manifestSummary, staleDiffOf } from './approval-format.ts';

const diff: ApprovalDiff = {
  hash: 'a'.repeat(64),
  computedAt: '2026-12-01T00:00:00.000Z',
  live: 1,
  image: { from: 'web:1', fromDigest: null, to: 'web:2', toDigest: 'sha256:abc', changed: true },
  config: [],
  manifests: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      action: 'update',
      liveYaml: 'a',
      mergedYaml: 'b',
      error: null,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      name: 'web',
      namespace: 'shop',
      action: 'unchanged',
      liveYaml: 'a',
      mergedYaml: 'a',
      error: null,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      name: 'old',
      namespace: 'shop',
      action: 'prune',
      liveYaml: 'a',
      mergedYaml: null,
      error: null,
    },
  ],
  dryRunError: null,
};

const conflict = (body: Record<string, unknown>) =>
  new ApiError({ requestId: 'r1', statusCode: 409, error: 'Conflict', message: 'the diff changed', ...body });

describe('the stale-diff refusal', () => {
  it('yields the new diff of a 409 naming the diff', () => {
    const error = conflict({
      details: [{ field: 'diff', message: 'the diff changed since you opened it' }],
      diff,
    });
    expect(staleDiffOf(error)?.hash).toBe(diff.hash);
  });

  it('ignores other refusals: already decided, expired, a 409 without a readable diff, a 403', () => {
    expect(staleDiffOf(conflict({ message: 'the request expired' }))).toBeUndefined();
    expect(
      staleDiffOf(conflict({ details: [{ field: 'diff', message: 'changed' }], diff: { hash: 1 } })),
    ).toBeUndefined();
    const forbidden = new ApiError({
      requestId: 'r2',
      statusCode: 403,
      error: 'Forbidden',
      message: 'self-approval',
      details: [{ field: 'diff', message: 'x' }],
    });
    expect(staleDiffOf(forbidden)).toBeUndefined();
  });
});

describe('approval wording', () => {
  it('counts approvals against the policy', () => {
    expect(approvalProgress({ approvals: 0, required: 1 })).toBe('0 of 1 approval');
    expect(approvalProgress({ approvals: 1, required: 2 })).toBe('1 of 2 approvals');
  });

  it('names what a request is about', () => {
    const base = { project: 'shop', gate: null, run: null };
    expect(approvalSubject({ ...base, kind: 'deploy', release: 4 })).toBe('release #4 of shop');
    expect(
      approvalSubject({
        ...base,
        kind: 'gate',
        release: null,
        gate: 'deploy.ok',
        run: { pipeline: 'ci', number: 12 },
      }),
    ).toBe('gate deploy.ok of ci #12');
  });

  it('sums the manifest actions, skipping those with none', () => {
    expect(manifestSummary(diff.manifests)).toBe('1 update, 1 prune, 1 unchanged');
    expect(manifestSummary([])).toBe('no objects');
  });
});

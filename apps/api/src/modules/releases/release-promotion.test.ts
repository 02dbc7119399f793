import { describe, expect, it } from 'vitest';
import { nextEnvironments } from './release-promotion.ts';
import { wasLive } from './release-rollback.ts';

const env = (name: string, position: number) => ({ id: name, name, position });

describe('nextEnvironments', () => {
  const path = [env('dev', 0), env('test', 1), env('qa', 1), env('prod', 5)];

  it('is the environment at the lowest position above the source’s', () => {
    expect(nextEnvironments(path, env('test', 1)).map((e) => e.name)).toEqual(['prod']);
  });

  it('is every environment sharing that position (parallel stages), never one at the source’s own', () => {
    expect(nextEnvironments(path, env('dev', 0)).map((e) => e.name)).toEqual(['test', 'qa']);
    expect(nextEnvironments([env('a', 0), env('b', 0)], env('a', 0))).toEqual([]);
  });

  it('is nothing after the last environment', () => {
    expect(nextEnvironments(path, env('prod', 5))).toEqual([]);
  });
});

describe('wasLive', () => {
  it('holds for succeeded, superseded and rolled-back-after-being-live releases', () => {
    for (const status of ['succeeded', 'superseded', 'rolled-back'])
      expect(wasLive({ status, message: null })).toBe(true);
  });

  it('does not hold for a release whose own rollout failed and was rolled back automatically', () => {
    expect(wasLive({ status: 'rolled-back', message: 'rolled back automatically: progress deadline' })).toBe(
      false,
    );
  });

  it('does not hold for releases that never deployed or failed', () => {
    for (const status of ['failed', 'rejected', 'queued', 'awaiting-approval', 'deploying'])
      expect(wasLive({ status, message: null })).toBe(false);
  });
});

import type { PlannedJob } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import type { JobRunRow } from '../runs.repo.ts';
import { builtImageDigests } from './run-context.ts';

const build = (destination: string) => ({
  name: 'image',
  kind: 'build-image' as const,
  image: undefined,
  script: '',
  env: {},
  buildImage: { context: '.', dockerfile: 'Dockerfile', destination },
});

const planned = (name: string, destination: string) =>
  ({ stage: 'build', name, steps: [build(destination)] }) as unknown as PlannedJob;

const row = (name: string, attempt: number, status: string, result: string | null) =>
  ({ stage: 'build', name, attempt, steps: [{ name: 'image', status, result }] }) as unknown as JobRunRow;

describe('builtImageDigests', () => {
  it('gives the digest each succeeded build step pushed, by destination, from the latest attempt', () => {
    const plan = [
      planned('api', 'reg/api:7'),
      planned('web', 'reg/web:7'),
      planned('worker', 'reg/worker:7'),
    ];
    const jobs = [
      row('api', 1, 'failed', null),
      row('api', 2, 'succeeded', 'sha256:aaa'),
      row('web', 1, 'succeeded', 'sha256:old'),
      row('web', 2, 'failed', null),
      row('worker', 1, 'succeeded', 'not-a-digest'),
    ];
    expect(builtImageDigests(plan, jobs)).toEqual({ 'reg/api:7': 'sha256:aaa' });
  });
});

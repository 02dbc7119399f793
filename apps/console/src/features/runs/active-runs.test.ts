import type { ErrorBody } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { activeRunsOf, cancelAndDeleteLabel } from './active-runs.ts';

const run = {
  id: '6f1c2a8e-8d4b-4a51-9c1e-2f4b9a7d0c11',
  workspace: 'acme',
  project: 'shop',
  pipeline: 'build',
  number: 3,
  status: 'running',
};

function conflict(details: NonNullable<ErrorBody['details']>, statusCode = 409) {
  return new ApiError({ requestId: 'r', statusCode, error: 'Conflict', message: 'busy', details });
}

describe('activeRunsOf', () => {
  it('reads the runs a refused delete names, skipping other details', () => {
    const error = conflict([
      { field: 'runs', message: 'acme/shop/build #3 is running', run },
      { field: 'body.name', message: 'taken' },
    ]);
    expect(activeRunsOf(error)).toEqual([run]);
  });

  it('is empty for other errors', () => {
    expect(activeRunsOf(conflict([{ message: 'x', run }], 400))).toEqual([]);
    expect(activeRunsOf(new Error('offline'))).toEqual([]);
    expect(activeRunsOf(null)).toEqual([]);
  });
});

describe('cancelAndDeleteLabel', () => {
  it('counts the runs', () => {
    expect(cancelAndDeleteLabel(1)).toBe('Cancel 1 run and delete');
    expect(cancelAndDeleteLabel(4)).toBe('Cancel 4 runs and delete');
  });
});

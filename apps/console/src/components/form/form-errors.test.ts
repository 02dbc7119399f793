import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import {
  clientFailure,
  failureOf,
  formLevelError,
  formPath,
  messageAt,
  sameValues,
  withoutField,
} from './form-errors.ts';

/** The body the API's error handler sends for a request that failed validation. */
const invalid = new ApiError({
  requestId: 'req-7',
  statusCode: 400,
  error: 'Bad Request',
  message: 'invalid request: body.repoUrl: repoUrl must be a URL; body.parameters.greeting: is required',
  details: [
    { field: 'body.repoUrl', message: 'repoUrl must be a URL' },
    { field: 'body.parameters.greeting', message: 'is required' },
    { field: 'body.parameters.count', message: 'must be a number' },
  ],
});

const shows =
  (...paths: string[]) =>
  (path: string) =>
    paths.some((at) => path === at || path.startsWith(`${at}.`));

describe('formPath', () => {
  it('drops the body prefix and keeps nested paths', () => {
    expect(formPath('body.repoUrl')).toBe('repoUrl');
    expect(formPath('body.approvalPolicy.requiredApprovals')).toBe('approvalPolicy.requiredApprovals');
    expect(formPath('body[0]')).toBe('[0]');
  });

  it('has no form path for the query, the path, the whole body or no field', () => {
    expect(formPath('query.limit')).toBeUndefined();
    expect(formPath('path.workspace')).toBeUndefined();
    expect(formPath('body')).toBeUndefined();
    expect(formPath('bodyguard')).toBeUndefined();
    expect(formPath(undefined)).toBeUndefined();
  });
});

describe('messageAt', () => {
  const failure = failureOf(invalid);

  it('gives a field its own message', () => {
    expect(messageAt(failure, 'repoUrl')).toBe('repoUrl must be a URL');
  });

  it('gives a field the messages inside it, each saying where', () => {
    expect(messageAt(failure, 'parameters')).toBe('greeting: is required; count: must be a number');
  });

  it('has nothing for a field without problems, nor before any submit', () => {
    expect(messageAt(failure, 'repo')).toBeUndefined();
    expect(messageAt(undefined, 'repoUrl')).toBeUndefined();
  });
});

describe('withoutField', () => {
  it('drops the edited field’s problems and those inside it, keeping the others', () => {
    const failure = failureOf(invalid);
    const edited = withoutField(failure, 'parameters');
    expect(messageAt(edited, 'parameters')).toBeUndefined();
    expect(messageAt(edited, 'repoUrl')).toBe('repoUrl must be a URL');
    expect(withoutField(failure, 'name')).toBe(failure);
  });
});

describe('formLevelError', () => {
  it('says the request’s message with its request id when no detail names a field', () => {
    const conflict = new ApiError({
      requestId: 'req-9',
      statusCode: 409,
      error: 'Conflict',
      message: 'the environment has active runs',
      details: [{ message: 'run #4 is running' }],
    });
    expect(formLevelError(failureOf(conflict), shows('name'))).toEqual({
      message: 'the environment has active runs',
      requestId: 'req-9',
    });
  });

  it('says the whole message when the form shows none of the fields', () => {
    expect(formLevelError(failureOf(invalid), shows('name'))).toEqual({
      message: invalid.message,
      requestId: 'req-7',
    });
  });

  it('lists only what no shown field says', () => {
    expect(formLevelError(failureOf(invalid), shows('repoUrl'))).toEqual({
      message: 'parameters.greeting: is required; parameters.count: must be a number',
      requestId: 'req-7',
    });
  });

  it('points at the marked fields when they say it all, until each is edited', () => {
    const failure = failureOf(invalid);
    const shown = shows('repoUrl', 'parameters');
    expect(formLevelError(failure, shown)).toEqual({
      message: 'Correct the fields marked below.',
      requestId: 'req-7',
    });
    const fixed = withoutField(withoutField(failure, 'parameters'), 'repoUrl');
    expect(formLevelError(fixed, shown)).toBeUndefined();
  });

  it('keeps a failure without field problems after edits, and tells a network failure without an id', () => {
    const network = failureOf(new TypeError('Failed to fetch'));
    expect(formLevelError(withoutField(network, 'name'), shows('name'))).toEqual({
      message: 'Failed to fetch',
    });
    expect(formLevelError(undefined, shows())).toBeUndefined();
  });
});

describe('clientFailure', () => {
  it('puts checks made before sending at their fields', () => {
    const failure = clientFailure({ parameters: 'line 2: expected name=value', name: undefined });
    expect(messageAt(failure, 'parameters')).toBe('line 2: expected name=value');
    expect(formLevelError(failure, shows('parameters'))).toEqual({
      message: 'Correct the field marked below.',
    });
  });

  it('is no failure when every check passed', () => {
    expect(clientFailure({ parameters: undefined })).toBeUndefined();
  });
});

describe('sameValues', () => {
  it('compares values structurally', () => {
    expect(sameValues({ name: 'a', events: ['push'], n: 1 }, { name: 'a', events: ['push'], n: 1 })).toBe(
      true,
    );
    expect(sameValues({ name: 'a' }, { name: 'b' })).toBe(false);
    expect(sameValues({ events: ['push'] }, { events: ['push', 'tag'] })).toBe(false);
    expect(sameValues({ a: { b: [1] } }, { a: { b: [2] } })).toBe(false);
    expect(sameValues({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameValues({ a: null }, { a: {} })).toBe(false);
    expect(sameValues([], {})).toBe(false);
  });
});

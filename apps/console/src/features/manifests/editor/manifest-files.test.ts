import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/client.ts';
import {
  addFile,
  currentProblems,
  filePathProblem,
  neighbourOf,
  problemsOfError,
  removeFile,
  renameFile,
  sortProblems,
} from './manifest-files.ts';

const FILES = { 'deploy.yaml': 'a: 1\n', 'service.yaml': 'b: 2\n', 'ingress.yaml': 'c: 3\n' };

describe('manifest files', () => {
  it('adds, renames in place and removes files', () => {
    expect(Object.keys(addFile(FILES, 'extra/cm.yml'))).toEqual([...Object.keys(FILES), 'extra/cm.yml']);
    expect(Object.entries(renameFile(FILES, 'service.yaml', 'svc.yaml'))).toEqual([
      ['deploy.yaml', 'a: 1\n'],
      ['svc.yaml', 'b: 2\n'],
      ['ingress.yaml', 'c: 3\n'],
    ]);
    expect(Object.keys(removeFile(FILES, 'service.yaml'))).toEqual(['deploy.yaml', 'ingress.yaml']);
    expect(neighbourOf(FILES, 'service.yaml')).toBe('ingress.yaml');
    expect(neighbourOf(FILES, 'ingress.yaml')).toBe('service.yaml');
    expect(neighbourOf({ 'a.yaml': '' }, 'a.yaml')).toBeNull();
  });

  it('refuses a path the API would refuse or one already taken', () => {
    expect(filePathProblem(FILES, 'web/deployment.yaml')).toBeUndefined();
    expect(filePathProblem(FILES, 'deploy.yaml', 'deploy.yaml')).toBeUndefined();
    expect(filePathProblem(FILES, 'deploy.yaml')).toBe('there is a file deploy.yaml already');
    expect(filePathProblem(FILES, '../etc.yaml')).toMatch(/relative path/);
    expect(filePathProblem(FILES, 'notes.txt')).toMatch(/ends in .yaml or .yml/);
  });
});

describe('manifest problems', () => {
  const problem = (file: string, line: number) => ({ file, line, column: 3, path: null, message: 'bad' });

  it('keeps a checked problem only while its file is unchanged', () => {
    const checked = { files: FILES, problems: [problem('deploy.yaml', 2), problem('service.yaml', 1)] };
    expect(currentProblems(checked, { ...FILES, 'deploy.yaml': 'a: 10\n' })).toEqual([
      problem('service.yaml', 1),
    ]);
    expect(currentProblems(null, FILES)).toEqual([]);
  });

  it('reads the file, line and column of each detail of a refused save', () => {
    const error = new ApiError({
      requestId: 'r1',
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid manifests',
      details: [
        {
          field: 'body.files.service.yaml',
          line: 4,
          column: 7,
          path: 'spec.ports',
          message: '4:7 spec.ports: bad port',
        },
        { field: 'body.files["deploy.yaml"]', line: 2, column: 1, message: 'unknown placeholder' },
        { field: 'body.message', message: 'too long' },
        { field: 'body.files.gone.yaml', line: 1, column: 1, message: 'not in the draft' },
      ],
    });
    expect(sortProblems(problemsOfError(error, FILES), FILES)).toEqual([
      { file: 'deploy.yaml', line: 2, column: 1, path: null, message: 'unknown placeholder' },
      { file: 'service.yaml', line: 4, column: 7, path: 'spec.ports', message: 'bad port' },
    ]);
    expect(problemsOfError(new ApiError({ ...error.body, statusCode: 409 }), FILES)).toEqual([]);
  });
});

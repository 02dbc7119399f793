import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { parametersFor, resolveRunParameters } from './run-parameters.ts';
import { interpolate } from './variables.ts';
import { evaluateWhen, globMatches } from './when.ts';

const spec = (() => {
  const result = parsePipeline(readFileSync(new URL('./fixtures/shop-api.yaml', import.meta.url), 'utf8'));
  if (!result.spec) throw new Error('fixture invalid');
  return result.spec;
})();

describe('release-type parameters', () => {
  it('asks only for the chosen release type’s parameters', () => {
    expect(parametersFor(spec, 'full').map((p) => p.name)).toEqual(['skipTests']);
    expect(parametersFor(spec, 'hotfix').map((p) => p.name)).toEqual(['tag']);
  });

  it('applies defaults and validates values before anything runs', () => {
    expect(resolveRunParameters(spec, 'full', {})).toEqual({ values: { skipTests: false }, errors: [] });
    expect(resolveRunParameters(spec, 'hotfix', { tag: 'v1.2.3' })).toEqual({
      values: { tag: 'v1.2.3' },
      errors: [],
    });
    expect(resolveRunParameters(spec, 'hotfix', {}).errors).toEqual([
      { parameter: 'tag', message: 'is required' },
    ]);
    expect(resolveRunParameters(spec, 'hotfix', { tag: '1.2' }).errors).toEqual([
      { parameter: 'tag', message: 'must match ^v\\d+\\.\\d+\\.\\d+$' },
    ]);
    expect(resolveRunParameters(spec, 'full', { skipTests: 'yes' }).errors).toEqual([
      { parameter: 'skipTests', message: 'must be true or false' },
    ]);
  });

  it('refuses parameters of another release type and unknown release types', () => {
    expect(resolveRunParameters(spec, 'full', { tag: 'v1.0.0' }).errors).toEqual([
      { parameter: 'tag', message: "release type 'full' does not ask for 'tag' (it asks for: skipTests)" },
    ]);
    expect(resolveRunParameters(spec, 'nightly', {}).errors[0]).toEqual({
      parameter: 'releaseType',
      message: "unknown release type 'nightly'; choose one of: full, hotfix",
    });
  });
});

describe('when', () => {
  const context = {
    releaseType: 'full',
    environment: 'dev',
    branch: 'feature/cart',
    parameters: { skipTests: false },
  };

  it('evaluates release type, environment, branch globs and parameters together', () => {
    expect(evaluateWhen(undefined, context)).toBe(true);
    expect(evaluateWhen({ releaseType: ['full'] }, context)).toBe(true);
    expect(evaluateWhen({ releaseType: ['hotfix'] }, context)).toBe(false);
    expect(evaluateWhen({ environment: ['prod'] }, context)).toBe(false);
    expect(evaluateWhen({ branch: ['feature/*'] }, context)).toBe(true);
    expect(evaluateWhen({ branch: ['main', 'release/**'] }, context)).toBe(false);
    expect(evaluateWhen({ parameters: { skipTests: false } }, context)).toBe(true);
    expect(evaluateWhen({ parameters: { skipTests: [true] } }, context)).toBe(false);
    expect(evaluateWhen({ releaseType: ['full'], environment: ['prod'] }, context)).toBe(false);
  });

  it('matches branch globs segment by segment', () => {
    expect(globMatches('release/*', 'release/1.x')).toBe(true);
    expect(globMatches('release/*', 'release/1.x/hotfix')).toBe(false);
    expect(globMatches('release/**', 'release/1.x/hotfix')).toBe(true);
    expect(globMatches('v1.*', 'v1x2')).toBe(false);
  });
});

describe('interpolate', () => {
  it('fills built-in variables and parameters, leaving unknown ones', () => {
    expect(
      interpolate('api:SNAPSHOT-${{ git.branch }}-${{run.number}} ${{ params.tag }} ${{ other }}', {
        'git.branch': 'main',
        'run.number': '42',
        'params.tag': 'v1.0.0',
      }),
    ).toBe('api:SNAPSHOT-main-42 v1.0.0 ${{ other }}');
  });
});

import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { planRun } from './run-plan.ts';
import { artifactExpirySeconds, expirySeconds, globBracketProblem } from './schema.ts';
import { parseHashFiles } from './variables.ts';

const CONTEXT = {
  releaseType: 'default',
  environment: 'dev',
  branch: 'main',
  parameters: {},
  runNumber: 7,
  runId: 'run-1',
  sha: '',
  namespace: 'shop-dev',
  project: 'shop',
  workspace: 'acme',
  secretParameters: [],
};

const PIPELINE = `stages:
  - name: build
    jobs:
      - name: compile
        image: node:24
        manual: true
        artifacts:
          paths: [dist/**, app.tar.gz]
          expireIn: 1w2d
        reports:
          junit: reports/*.xml
        cache:
          key: npm-\${{ project.slug }}-\${{ hashFiles('package-lock.json', "apps/*/package.json") }}
          paths: [node_modules]
        steps:
          - run: npm ci
`;

function planOf(text: string) {
  const { spec, errors } = parsePipeline(text);
  if (!spec) throw new Error(`not valid: ${JSON.stringify(errors)}`);
  return planRun(spec, CONTEXT);
}

describe('the job keys artifacts, reports, cache and manual', () => {
  it('plans each: globs, expiry in seconds, the cache key split into text and hashFiles parts', () => {
    const [job] = planOf(PIPELINE);
    expect(job).toMatchObject({
      manual: true,
      artifacts: { paths: ['dist/**', 'app.tar.gz'], expireInSeconds: 9 * 24 * 3600 },
      reports: { junit: ['reports/*.xml'] },
      cache: {
        key: [
          { text: 'npm-' },
          { text: 'shop' },
          { text: '-' },
          { hashFiles: ['package-lock.json', 'apps/*/package.json'] },
        ],
        paths: ['node_modules'],
      },
    });
  });

  it('defaults: not manual, artifacts kept 30 days, a list of junit globs kept as a list', () => {
    const text = PIPELINE.replace('        manual: true\n', '')
      .replace('          expireIn: 1w2d\n', '')
      .replace('junit: reports/*.xml', 'junit: [a.xml, "b/**/*.xml"]');
    const [job] = planOf(text);
    expect(job?.manual).toBe(false);
    expect(job?.artifacts?.expireInSeconds).toBe(30 * 24 * 3600);
    expect(job?.reports?.junit).toEqual(['a.xml', 'b/**/*.xml']);
  });

  it('names each bad value at its line and column', () => {
    const text = PIPELINE.replace('[dist/**, app.tar.gz]', '[../secrets, /etc/passwd]')
      .replace('expireIn: 1w2d', 'expireIn: 3 days')
      .replace('manual: true', 'manual: yes please')
      .replace('junit: reports/*.xml', 'junit: []')
      .replace('paths: [node_modules]', 'paths: []');
    const { errors } = parsePipeline(text);
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      '6:17 stages[0].jobs[0].manual: Invalid input: expected boolean, received string',
      '8:19 stages[0].jobs[0].artifacts.paths[0]: must stay inside the job’s workspace: no ".." segment (also not inside {…})',
      '8:31 stages[0].jobs[0].artifacts.paths[1]: must be relative to the job’s workspace, not an absolute path',
      '9:21 stages[0].jobs[0].artifacts.expireIn: must be a duration like 30m, 12h, 7d or 2w',
      '11:18 stages[0].jobs[0].reports.junit: junit needs at least one glob',
      '14:18 stages[0].jobs[0].cache.paths: a cache needs at least one path',
    ]);
  });

  it('reads hashFiles() only in a cache key, with quoted globs, pointing at the expression', () => {
    const misplaced = PIPELINE.replace('run: npm ci', `run: echo \${{ hashFiles('x') }}`);
    expect(parsePipeline(misplaced).errors).toEqual([
      {
        line: 16,
        column: 23,
        path: 'stages[0].jobs[0].steps[0].run',
        message: 'hashFiles() can only be used in a job’s cache.key',
      },
    ]);
    const unquoted = PIPELINE.replace(
      `hashFiles('package-lock.json', "apps/*/package.json")`,
      'hashFiles(package-lock.json)',
    );
    expect(parsePipeline(unquoted).errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      `13:40 hashFiles() takes quoted globs, like hashFiles('package-lock.json'): cannot read "package-lock.json"`,
    ]);
    expect(parseHashFiles("hashFiles('../x')")).toEqual({
      error: `hashFiles() globs are relative to the workspace, without "..": '../x'`,
    });
    expect(parseHashFiles('hashFiles()')).toMatchObject({
      error: expect.stringContaining('at least one glob'),
    });
    expect(parseHashFiles('params.x')).toBeUndefined();
    expect(parseHashFiles("hashFiles('package.json'")).toMatchObject({
      error: expect.stringContaining('closing ")"'),
    });
  });

  it('refuses unclosed brackets in globs and a zero expiry, each with its own message (a new-user trial)', () => {
    const text = PIPELINE.replace('[dist/**, app.tar.gz]', '["dist/[a", "x}"]')
      .replace('expireIn: 1w2d', 'expireIn: 0m')
      .replace('junit: reports/*.xml', 'junit: "reports/{a.xml"')
      .replace(`hashFiles('package-lock.json', "apps/*/package.json")`, `hashFiles('[bad')`);
    expect(parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '8:19 has a "[" at character 6 without its "]" (a class like [abc])',
      '8:30 has a "}" at character 2 without its "{"',
      '9:21 must be longer than 0 (like 30m, 12h, 7d or 2w)',
      '11:18 has a "{" without its "}" (a choice like {a,b})',
      `13:40 hashFiles('[bad') has a "[" at character 1 without its "]" (a class like [abc])`,
    ]);
    // What stays valid: classes (also with "]" first), choices, nesting.
    for (const glob of ['dist/[abc]/*.js', 'x/[]a]', 'src/{a,b/{c,d}}/**', 'reports/*.xml'])
      expect(globBracketProblem(glob), glob).toBeUndefined();
  });

  it('refuses the keys on jobs that run no container, and manual on an approval job', () => {
    const text = `stages:
  - name: gate
    jobs:
      - name: wait
        manual: true
        artifacts: { paths: [x] }
        steps:
          - approval: {}
`;
    expect(parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '5:9 an approval job already waits for people: it cannot also be manual',
      '6:9 an approval job runs no container, so it has no artifacts: put artifacts on a job with run steps',
    ]);
  });

  it('refuses an expiry over a year and ".." inside braces (a 5xx and a glob leaving the workspace before)', () => {
    const text = PIPELINE.replace('expireIn: 1w2d', 'expireIn: 99999999999w').replace(
      '[dist/**, app.tar.gz]',
      '["{dist,..}/app.txt"]',
    );
    expect(parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '8:19 must stay inside the job’s workspace: no ".." segment (also not inside {…})',
      '9:21 must be at most 365d (a year)',
    ]);
    expect(parsePipeline(PIPELINE.replace('expireIn: 1w2d', 'expireIn: 365d')).errors).toEqual([]);
    expect(parseHashFiles("hashFiles('{a,..}/x')")).toMatchObject({ error: expect.stringContaining('..') });
    // A stored spec read under an older rule still gets a date a database can hold.
    expect(artifactExpirySeconds('99999999999w')).toBe(365 * 86400);
    expect(artifactExpirySeconds(undefined)).toBe(30 * 86400);
  });

  it('reads expiries in weeks, days, hours and minutes', () => {
    expect(expirySeconds('2w')).toBe(14 * 86400);
    expect(expirySeconds('1d12h')).toBe(36 * 3600);
    expect(expirySeconds('30m')).toBe(1800);
  });
});

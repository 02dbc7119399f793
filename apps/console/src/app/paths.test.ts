import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paths, routePatterns } from './paths.ts';

const SRC = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

// A console route written by hand: a string or template literal starting with one of the
// console's top-level route segments (API paths start with /api and are not routes).
const TOP_SEGMENTS = [
  ...new Set(Object.values(routePatterns).map((pattern) => pattern.split('/')[1] ?? '')),
].filter((segment) => segment !== '');
const ROUTE_LITERAL = new RegExp(`['"\`]/(${TOP_SEGMENTS.join('|')})(?=[/'"\`?#$])`);
// …or a built route extended by hand (`${paths.runs(ref)}/${number}`) in a link or navigation.
const EXTENDED_ROUTE = /(?:\bto=\{|\bhref=\{|navigate\()`\$\{[^}]+\}\//;
const HAND_BUILT_ROUTE = { test: (line: string) => ROUTE_LITERAL.test(line) || EXTENDED_ROUTE.test(line) };

describe('route builder', () => {
  it('is the only place a console route is written', () => {
    for (const handBuilt of [
      'to={`/workspaces/${slug}`}',
      'navigate("/users")',
      "to='/docs/pipeline-spec#x'",
      '<Link to={`${runs}/${delivery.runNumber}`}>',
      'navigate(`${base}/members`)',
    ]) {
      expect(HAND_BUILT_ROUTE.test(handBuilt), handBuilt).toBe(true);
    }
    expect(HAND_BUILT_ROUTE.test("request('/api/v1/workspaces')")).toBe(false);
    expect(HAND_BUILT_ROUTE.test('href={`#${field.anchor}`}')).toBe(false);
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.endsWith(join('app', 'paths.ts')))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            HAND_BUILT_ROUTE.test(line) ? [`${relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offenders).toEqual([]);
  });

  it('builds each page address and encodes every segment', () => {
    const run = { workspace: 'acme', project: 'shop', pipeline: 'build', number: 3 };
    expect(paths.run(run)).toBe('/workspaces/acme/projects/shop/pipelines/build/runs/3');
    expect(paths.runs(run)).toBe('/workspaces/acme/projects/shop/pipelines/build/runs');
    expect(paths.pipeline({ ...run, pipeline: 'build & test' })).toBe(
      '/workspaces/acme/projects/shop/pipelines/build%20%26%20test',
    );
    expect(paths.environment('acme', 'prod/eu')).toBe('/workspaces/acme/environments/prod%2Feu');
    expect(paths.projectMembers('acme', 'shop')).toBe('/workspaces/acme/projects/shop/members');
    expect(paths.signIn('/workspaces/acme?tab=1')).toBe('/sign-in?next=%2Fworkspaces%2Facme%3Ftab%3D1');
    expect(paths.pipelineSpecDocs('jobs')).toBe('/docs/pipeline-spec#jobs');
    expect(paths.manifestSet('acme', 'shop', 'web')).toBe('/workspaces/acme/projects/shop/manifests/web');
    expect(paths.configSets('acme', 'shop')).toBe('/workspaces/acme/projects/shop/config');
    const release = { workspace: 'acme', project: 'shop', number: 7 };
    expect(paths.releases('acme', 'shop')).toBe('/workspaces/acme/projects/shop/releases');
    expect(paths.releases('acme', 'shop', 'prod eu')).toBe(
      '/workspaces/acme/projects/shop/releases?environment=prod%20eu',
    );
    expect(paths.release(release)).toBe('/workspaces/acme/projects/shop/releases/7');
    expect(paths.releaseDiff({ ...release, to: 5 })).toBe(
      '/workspaces/acme/projects/shop/releases/7/diff?to=5',
    );
    expect(paths.releaseDiff(release)).toBe('/workspaces/acme/projects/shop/releases/7/diff');
    expect(paths.approvals()).toBe('/approvals');
    expect(paths.approvals({ status: 'decided', kind: undefined, environment: 'prod eu' })).toBe(
      '/approvals?status=decided&environment=prod+eu',
    );
    expect(paths.approval('a/b')).toBe('/approvals/a%2Fb');
    expect(paths.notificationChannels('acme')).toBe('/workspaces/acme/notification-channels');
  });

  it('builds paths that match their own route pattern', () => {
    const params = {
      workspace: 'acme',
      project: 'shop',
      pipeline: 'build',
      number: '3',
      environment: 'prod',
      name: 'web',
      id: 'a1b2',
    };
    for (const [name, pattern] of Object.entries(routePatterns)) {
      const expected = pattern.replace(/:(\w+)/g, (_, key: keyof typeof params) => params[key]);
      const build = paths[name as keyof typeof paths] as (...args: never[]) => string;
      const actual =
        pattern.includes(':pipeline') || pattern.includes(':number')
          ? (build as (ref: typeof params) => string)(params)
          : pattern.includes(':id')
            ? (build as (id: string) => string)('a1b2')
            : pattern.includes(':environment')
              ? (build as (a: string, b: string) => string)('acme', 'prod')
              : pattern.includes(':name')
                ? (build as (a: string, b: string, c: string) => string)('acme', 'shop', 'web')
                : pattern.includes(':project')
                  ? (build as (a: string, b: string) => string)('acme', 'shop')
                  : pattern.includes(':workspace')
                    ? (build as (a: string) => string)('acme')
                    : (build as () => string)();
      expect(actual, name).toBe(expected);
    }
  });
});

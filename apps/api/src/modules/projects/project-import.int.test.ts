// Importing projects with a starter pipeline, from real git repositories built in a
// temporary directory (file:// and paths, which the app allows only with allowLocalRepos).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePipeline } from '@slipway/pipeline';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  testAppConfig,
} from '../../../test/helper.ts';
import { buildApp, type SlipwayApp } from '../../app.ts';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** A repository with one commit holding `files` (none: a repository without commits). */
function gitRepository(root: string, name: string, files: Record<string, string>, branch = 'main'): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'pipe' });
  git('init', '--quiet', `--initial-branch=${branch}`);
  if (Object.keys(files).length === 0) return dir;
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  git('add', '--all');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'first');
  return dir;
}

describe.skipIf(postgresSkipReason())('importing a project with a starter pipeline', () => {
  let t: TestApp;
  let local: SlipwayApp;
  let client: SignedInClient;
  let repos: string;
  const ws = '/api/v1/workspaces/imports';

  beforeAll(async () => {
    t = await buildTestApp();
    // The same database, served by an app that allows repositories on its own disk.
    local = await buildApp({ db: t.db, config: testAppConfig({ allowLocalRepos: true }) });
    await local.app.ready();
    client = await signIn(local.app);
    await seedWorkspace(client, 'imports');
    repos = mkdtempSync(path.join(os.tmpdir(), 'slipway-import-test-'));
  });
  afterAll(async () => {
    await local?.app.close();
    await t?.close();
    if (repos) rmSync(repos, { recursive: true, force: true });
  });

  const importProject = (slug: string, payload: object, on: SignedInClient = client) =>
    on.request({ method: 'POST', url: `${ws}/projects`, payload: { slug, name: slug, ...payload } });
  const getPipeline = (project: string) =>
    client.request({ method: 'GET', url: `${ws}/projects/${project}/pipelines/ci` });

  it('detects a Node repository, publishes node-service@1 and creates ci using it', async () => {
    const dir = gitRepository(repos, 'shop-web', {
      'package.json': JSON.stringify({ engines: { node: '>=22' }, scripts: { test: 'vitest run' } }),
      'package-lock.json': '{}',
      'README.md': '# shop web',
    });
    const created = await importProject('shop-web', { repoUrl: `file://${dir}`, starterPipeline: 'auto' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      slug: 'shop-web',
      repoUrl: `file://${dir}`,
      starter: {
        type: 'node',
        detectedFrom: ['package.json'],
        template: { name: 'node-service', version: 1, published: true },
        pipeline: 'ci',
        reason: null,
      },
    });

    const pipeline = (await getPipeline('shop-web')).json();
    expect(pipeline.template).toEqual({ name: 'node-service', version: 1 });
    expect(pipeline.spec).toMatch(/^# Starter pipeline/);
    expect(pipeline.spec).toContain('uses: node-service@1\nwith:\n  nodeVersion: "22"\n');
    expect(parsePipeline(pipeline.expanded).errors).toEqual([]);
    expect(parsePipeline(pipeline.expanded).spec?.stages.map((s) => s.name)).toEqual([
      'checkout',
      'test',
      'build',
    ]);
    const template = (
      await client.request({ method: 'GET', url: `${ws}/pipeline-templates/node-service` })
    ).json();
    expect(template).toMatchObject({ latestVersion: 1, usages: [{ project: 'shop-web', pipeline: 'ci' }] });
  });

  it('reuses the template on a second import in the workspace', async () => {
    const dir = gitRepository(repos, 'shop-admin', {
      'package.json': JSON.stringify({ scripts: { build: 'vite build', test: 'vitest' } }),
      'pnpm-lock.yaml': '',
    });
    // A plain absolute path works like file://.
    const created = await importProject('shop-admin', { repoUrl: dir, starterPipeline: 'auto' });
    expect(created.json().starter).toMatchObject({
      type: 'node',
      template: { name: 'node-service', version: 1, published: false },
      pipeline: 'ci',
    });
    const template = (
      await client.request({ method: 'GET', url: `${ws}/pipeline-templates/node-service` })
    ).json();
    expect(template.versions).toHaveLength(1);
    expect(template.usages.map((u: { project: string }) => u.project)).toEqual(['shop-admin', 'shop-web']);
    expect((await getPipeline('shop-admin')).json().spec).toContain('pnpm install --frozen-lockfile');
  });

  it.each([
    [
      'orders',
      { 'pom.xml': '<project><properties><java.version>17</java.version></properties></project>' },
      'maven',
      'maven-service',
      'jdk: "17"',
    ],
    [
      'ledger',
      { 'go.mod': 'module example.com/ledger\n\ngo 1.24\n', 'main.go': 'package main\n' },
      'go',
      'go-service',
      'goVersion: "1.24"',
    ],
    [
      'reports',
      { 'pyproject.toml': '[project]\nname = "reports"\n', '.python-version': '3.12\n' },
      'python',
      'python-service',
      'pythonVersion: "3.12"',
    ],
    [
      'brochure',
      { 'index.html': '<h1>Hello</h1>', 'style.css': 'h1 {}' },
      'static',
      'static-site',
      'uses: static-site@1',
    ],
  ])(
    '%s: detects %s from its files and creates ci from the matching template',
    async (slug, files, type, template, expected) => {
      // The repository's default branch is not the project's ("main"): its HEAD is read instead.
      const dir = gitRepository(repos, slug, files, 'trunk');
      const created = await importProject(slug, { repoUrl: `file://${dir}`, starterPipeline: 'auto' });
      expect(created.statusCode).toBe(201);
      expect(created.json().starter).toEqual({
        type,
        detectedFrom: [Object.keys(files)[0]],
        template: { name: template, version: 1, published: true },
        pipeline: 'ci',
        reason: null,
      });
      const pipeline = (await getPipeline(slug)).json();
      expect(pipeline.spec).toContain(expected);
      expect(parsePipeline(pipeline.expanded).errors).toEqual([]);
    },
  );

  it('creates the project but no pipeline when the repository is empty, unknown or unreachable', async () => {
    const empty = gitRepository(repos, 'empty', {});
    const unknown = gitRepository(repos, 'notes', { 'README.md': '# notes' });
    const cases = [
      ['empty', `file://${empty}`, /^could not read the repository: the repository has no commits yet$/],
      ['notes', `file://${unknown}`, /^no known build file at the repository root \(looked for pom\.xml/],
      [
        'gone',
        `file://${path.join(repos, 'missing')}`,
        /^could not read the repository: .*does not appear to be a git repository/,
      ],
      ['offline', 'http://127.0.0.1:9/nothing.git', /^could not read the repository: .*(connect|refused)/i],
    ] as const;
    for (const [slug, repoUrl, reason] of cases) {
      const created = await importProject(slug, { repoUrl, starterPipeline: 'auto' });
      expect(created.statusCode, slug).toBe(201);
      expect(created.json().starter, slug).toEqual({
        type: null,
        detectedFrom: [],
        template: null,
        pipeline: null,
        reason: expect.stringMatching(reason),
      });
      expect((await client.request({ method: 'GET', url: `${ws}/projects/${slug}` })).statusCode).toBe(200);
      expect((await getPipeline(slug)).statusCode).toBe(404);
    }
  });

  it('uses a chosen type without detection, with the template defaults when the repository says nothing', async () => {
    const chosen = await importProject('tools', { starterPipeline: 'go' });
    expect(chosen.json().starter).toEqual({
      type: 'go',
      detectedFrom: [],
      template: { name: 'go-service', version: 1, published: false },
      pipeline: 'ci',
      reason: null,
    });
    const unreadable = await importProject('tools-two', {
      repoUrl: `file://${path.join(repos, 'missing')}`,
      starterPipeline: 'python',
    });
    expect(unreadable.json().starter).toMatchObject({
      type: 'python',
      pipeline: 'ci',
      reason: expect.stringMatching(
        /^could not read the repository: .*; the pipeline uses the template’s defaults$/,
      ),
    });
    const auto = await importProject('tools-three', { starterPipeline: 'auto' });
    expect(auto.statusCode).toBe(400);
    expect(auto.json().details).toEqual([expect.objectContaining({ field: 'body.starterPipeline' })]);
  });

  it('reports a workspace template that no longer takes the starter’s inputs, keeping the project', async () => {
    const spec = `inputs:
  - name: image
stages:
  - name: build
    jobs:
      - name: image
        steps:
          - buildImage: { destination: '\${{ inputs.image }}' }
`;
    const published = await client.request({
      method: 'POST',
      url: `${ws}/pipeline-templates/maven-service/versions`,
      payload: { spec },
    });
    expect(published.statusCode).toBe(201);
    const dir = gitRepository(repos, 'billing', { 'pom.xml': '<project/>' });
    const created = await importProject('billing', { repoUrl: dir, starterPipeline: 'auto' });
    expect(created.statusCode).toBe(201);
    expect(created.json().starter).toMatchObject({
      type: 'maven',
      template: { name: 'maven-service', version: 2, published: false },
      pipeline: null,
      reason: expect.stringMatching(/^ci was refused: .*jdk/),
    });
  });

  it('refuses local repositories unless the server allows them, naming body.repoUrl', async () => {
    const strict = await signIn(t.app);
    for (const repoUrl of ['file:///srv/git/app', '/srv/git/app']) {
      const refused = await importProject('local', { repoUrl, starterPipeline: 'auto' }, strict);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details).toEqual([
        { field: 'body.repoUrl', message: expect.stringContaining('SLIPWAY_ALLOW_LOCAL_REPOS') },
      ]);
    }
    const changed = await strict.request({
      method: 'PATCH',
      url: `${ws}/projects/shop-web`,
      payload: { repoUrl: '/etc' },
    });
    expect(changed.statusCode).toBe(400);
    for (const repoUrl of ['not a repository', 'ext::sh -c touch% /tmp/x', 'ssh://-oProxyCommand=x/y']) {
      const invalid = await importProject('bad', { repoUrl }, strict);
      expect(invalid.statusCode, repoUrl).toBe(400);
      expect(invalid.json().details[0].field).toBe('body.repoUrl');
    }
  });

  it('still refuses a viewer who may not create projects', async () => {
    await client.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'vera', password: 'viewer-password-123' },
    });
    await client.request({
      method: 'POST',
      url: `${ws}/members`,
      payload: { user: 'vera', role: 'workspace-viewer' },
    });
    const vera = await signIn(local.app, 'vera', 'viewer-password-123');
    const dir = gitRepository(repos, 'vera', { 'go.mod': 'module x\n' });
    const refused = await importProject('veras', { repoUrl: dir, starterPipeline: 'auto' }, vera);
    expect(refused.statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url: `${ws}/projects/veras` })).statusCode).toBe(404);
  });
});

// How parameter values and built-in variables reach a step, end to end on the local
// executor through the HTTP API: the field reports of 2026-11-30 (kept verbatim in
// ./fixtures/field-reports) and more inputs of the same kinds.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CreatedWebhook, Run, WebhookReceipt } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepository, type TestRepository } from '../../../test/git-repository.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/field-reports/${name}`, import.meta.url), 'utf8');
const WORKSPACE = '/api/v1/workspaces/vals';
/** A project without a repository (no checkout) and one with a real git repository. */
const PLAIN = `${WORKSPACE}/projects/plain`;
const REPO = `${WORKSPACE}/projects/repo`;

/** Values a user can type; each must come out of the step exactly as typed. */
const HOSTILE = [
  'release $(echo INJECTED-BY-PARAM) `id -un`',
  'it\'s a "quoted" title',
  "'",
  'back\\slash \\n \\\\',
  '$HOME ${HOME} $$ $0',
  '%s %d %%',
  'ünïcødé ✓ 🚀',
  'trailing spaces   ',
  '-n',
  '-e \\c',
  '*',
];

const VARIABLES_STEP =
  'echo "tag=[${{ git.tag }}] branch=[${{ git.branch }}] sha=[${{ git.sha }}] short=[${{ git.shortSha }}] env_branch=[$SLIPWAY_BRANCH] env_tag=[$SLIPWAY_TAG] env_sha=[$SLIPWAY_SHA]"';
const VARIABLES = `stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - name: vars
            run: |
              ${VARIABLES_STEP}
`;

describe.skipIf(postgresSkipReason())('values reaching a step', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let repo: string;
  let repository: TestRepository | undefined;
  const commits: Record<string, string> = {};

  async function post(url: string, payload: object) {
    const response = await admin.request({ method: 'POST', url, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as unknown;
  }

  async function finished(project: string, pipeline: string, number: number): Promise<Run> {
    for (;;) {
      const response = await admin.request({
        method: 'GET',
        url: `${project}/pipelines/${pipeline}/runs/${number}`,
      });
      const run = response.json() as Run;
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The step's whole log once archived, without the local executor's notice line. */
  async function logOf(project: string, pipeline: string, run: Run, step: string): Promise<string> {
    const url = `${project}/pipelines/${pipeline}/runs/${run.number}/jobs/j/steps/${step}/log`;
    for (;;) {
      const page = (await admin.request({ method: 'GET', url })).json() as { complete: boolean };
      if (page.complete) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const text = (await admin.request({ method: 'GET', url, query: { download: 'true' } })).body;
    return text.replace(/^slipway: local executor[^\n]*\n/, '');
  }

  async function runToEnd(project: string, pipeline: string, body: object): Promise<Run> {
    const created = await admin.request({
      method: 'POST',
      url: `${project}/pipelines/${pipeline}/runs`,
      payload: body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const run = await finished(project, pipeline, (created.json() as Run).number);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    return run;
  }

  beforeAll(async () => {
    repository = await createTestRepository();
    repo = repository.dir;
    for (const version of ['one', 'two']) {
      commits[version] = await repository.commit('VERSION', `${version}\n`, `version ${version}`);
    }
    await repository.git('tag', 'v1.2.3', commits.one ?? '');
    // A branch name is user input too, and git allows $( ) and backticks in one.
    await repository.git('branch', 'feat/$(echo${IFS}INJECTED)`id`', commits.one ?? '');

    t = await buildTestApp({ allowLocalRepos: true });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'vals', 'plain');
    await post(`${WORKSPACE}/projects`, { slug: 'repo', name: 'repo', repoUrl: repo, defaultBranch: 'main' });
    await post(`${WORKSPACE}/environments`, { name: 'dev' });
    for (const project of [PLAIN, REPO]) {
      await post(`${project}/pipelines`, { name: 'vars', spec: VARIABLES });
    }
    await post(`${PLAIN}/pipelines`, { name: 'empty', spec: fixture('params-empty-value.yaml') });
    await post(`${PLAIN}/pipelines`, { name: 'meta', spec: fixture('params-shell-metacharacters.yaml') });
    await post(`${PLAIN}/pipelines`, {
      name: 'tagged',
      spec: fixture('tag-push-git-tag-empty.pipeline.yaml'),
    });
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
    await repository?.remove();
  });

  it('params-empty-value: an explicit empty value is recorded and printed empty; no value prints the default', async () => {
    const empty = await runToEnd(PLAIN, 'empty', {
      releaseType: 'full',
      environment: 'dev',
      parameters: { msg: '' },
    });
    expect(empty.parameters).toEqual({ msg: '' });
    expect(await logOf(PLAIN, 'empty', empty, 'show')).toBe('msg=[]\n');
    const defaulted = await runToEnd(PLAIN, 'empty', { releaseType: 'full', environment: 'dev' });
    expect(defaulted.parameters).toEqual({ msg: 'hello' });
    expect(await logOf(PLAIN, 'empty', defaulted, 'show')).toBe('msg=[hello]\n');
  });

  it('params-shell-metacharacters: the value is printed exactly as typed, never run', async () => {
    for (const title of ['release $(echo INJECTED-BY-PARAM) `id -un`', 'it\'s a "quoted" title']) {
      const run = await runToEnd(PLAIN, 'meta', {
        releaseType: 'full',
        environment: 'dev',
        parameters: { title },
      });
      expect(await logOf(PLAIN, 'meta', run, 'show')).toBe(`title: ${title}\ndone\n`);
    }
  });

  it('prints hostile values exactly in double quotes, single quotes, unquoted, here-documents and env', async () => {
    const names = HOSTILE.map((_, index) => `p${index}`);
    const lines = names.flatMap((name) => [
      `printf '%s\\n' "dq:[\${{ params.${name} }}]"`,
      `printf '%s\\n' 'sq:[\${{ params.${name} }}]'`,
      `printf '%s\\n' uq:[\${{ params.${name} }}]`,
      `echo "echo:[\${{ params.${name} }}]"`,
      `cat <<EOF\nhd:[\${{ params.${name} }}]\nEOF`,
      `printf '%s\\n' "env:[$FROM_ENV_${name}]"`,
    ]);
    const spec = `parameters:
${names.map((name) => `  - name: ${name}\n    type: string`).join('\n')}
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        env:
${names.map((name) => `          FROM_ENV_${name}: "\${{ params.${name} }}"`).join('\n')}
        steps:
          - name: show
            run: |
${lines
  .flatMap((line) => line.split('\n'))
  .map((line) => `              ${line}`)
  .join('\n')}
`;
    await post(`${PLAIN}/pipelines`, { name: 'hostile', spec });
    const parameters = Object.fromEntries(names.map((name, index) => [name, HOSTILE[index]]));
    const run = await runToEnd(PLAIN, 'hostile', { releaseType: 'default', environment: 'dev', parameters });
    const expected = HOSTILE.map((value) =>
      ['dq', 'sq', 'uq', 'echo', 'hd', 'env'].map((context) => `${context}:[${value}]\n`).join(''),
    ).join('');
    expect(await logOf(PLAIN, 'hostile', run, 'show')).toBe(expected);
  });

  it('tag-push-git-tag-empty: a GitHub tag push gives git.tag and no branch', async () => {
    const hook = (await post(`${PLAIN}/webhooks`, {
      name: 'gh',
      provider: 'github',
      events: ['push', 'tag'],
      pipeline: 'tagged',
      releaseType: 'full',
      environment: 'dev',
    })) as CreatedWebhook;
    const deliver = async (payload: string) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/${hook.id}`,
        payload,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(payload).digest('hex')}`,
        },
      });
      const receipt = response.json() as WebhookReceipt;
      expect(receipt.outcome, response.body).toBe('triggered');
      return finished(PLAIN, 'tagged', receipt.run?.number ?? 0);
    };
    const tagPush = fixture('tag-push-git-tag-empty.json');
    const sha = (JSON.parse(tagPush) as { after: string }).after;
    const tagged = await deliver(tagPush);
    expect(tagged).toMatchObject({ status: 'succeeded', ref: 'refs/tags/v1.2.3' });
    expect(await logOf(PLAIN, 'tagged', tagged, 'vars')).toBe(
      `tag=[v1.2.3] branch=[] sha=[${sha}] env_branch=[]\n`,
    );
    // A branch push: the branch, no tag — and a branch name is data, not code.
    const branch = 'feat/$(echo INJECTED)`id`';
    const pushed = await deliver(JSON.stringify({ ...JSON.parse(tagPush), ref: `refs/heads/${branch}` }));
    expect(await logOf(PLAIN, 'tagged', pushed, 'vars')).toBe(
      `tag=[] branch=[${branch}] sha=[${sha}] env_branch=[${branch}]\n`,
    );
  });

  it('gives GitLab tag and branch pushes the same variables', async () => {
    const hook = (await post(`${PLAIN}/webhooks`, {
      name: 'gl',
      provider: 'gitlab',
      events: ['push', 'tag'],
      pipeline: 'vars',
      releaseType: 'default',
      environment: 'dev',
    })) as CreatedWebhook;
    const sha = 'b'.repeat(40);
    const deliver = async (event: string, objectKind: string, ref: string) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/${hook.id}`,
        payload: JSON.stringify({ object_kind: objectKind, ref, after: sha, checkout_sha: sha }),
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': event,
          'x-gitlab-token': hook.secret,
        },
      });
      const receipt = response.json() as WebhookReceipt;
      expect(receipt.outcome, response.body).toBe('triggered');
      const run = await finished(PLAIN, 'vars', receipt.run?.number ?? 0);
      return logOf(PLAIN, 'vars', run, 'vars');
    };
    expect(await deliver('Tag Push Hook', 'tag_push', 'refs/tags/v2.0')).toBe(
      `tag=[v2.0] branch=[] sha=[${sha}] short=[bbbbbbbb] env_branch=[] env_tag=[v2.0] env_sha=[${sha}]\n`,
    );
    expect(await deliver('Push Hook', 'push', 'refs/heads/release/2.0')).toBe(
      `tag=[] branch=[release/2.0] sha=[${sha}] short=[bbbbbbbb] env_branch=[release/2.0] env_tag=[] env_sha=[${sha}]\n`,
    );
  });

  it('manual runs: a branch by name or refs/heads/, a tag as refs/tags/; the commit is the one checked out', async () => {
    const cases: [string | undefined, string, string, string][] = [
      [undefined, 'main', '', commits.two ?? ''],
      ['refs/heads/main', 'main', '', commits.two ?? ''],
      ['refs/tags/v1.2.3', '', 'v1.2.3', commits.one ?? ''],
      ['feat/$(echo${IFS}INJECTED)`id`', 'feat/$(echo${IFS}INJECTED)`id`', '', commits.one ?? ''],
    ];
    for (const [ref, branch, tag, sha] of cases) {
      const run = await runToEnd(REPO, 'vars', {
        releaseType: 'default',
        environment: 'dev',
        ...(ref ? { ref } : {}),
      });
      expect(run.commit).toBe(sha);
      expect(await logOf(REPO, 'vars', run, 'vars')).toBe(
        `tag=[${tag}] branch=[${branch}] sha=[${sha}] short=[${sha.slice(0, 8)}] env_branch=[${branch}] env_tag=[${tag}] env_sha=[${sha}]\n`,
      );
    }
  });

  it('refuses an empty or control-character ref before anything runs', async () => {
    for (const ref of ['refs/tags/', 'main\u0000x', 'a\nb']) {
      const response = await admin.request({
        method: 'POST',
        url: `${REPO}/pipelines/vars/runs`,
        payload: { releaseType: 'default', environment: 'dev', ref },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ details: [{ field: 'body.ref' }] });
    }
  });
});

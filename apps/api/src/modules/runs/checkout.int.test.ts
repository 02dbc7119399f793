// The checkout step on the local executor against a real git repository: every job of a
// run builds the same commit, the one that triggered it when there is one.
import type { Run } from '@slipway/contracts';
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

const PIPELINES = '/api/v1/workspaces/src/projects/app/pipelines';

describe.skipIf(postgresSkipReason())('checking out the source', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let repo: string;
  let repository: TestRepository | undefined;
  const commits: string[] = [];

  beforeAll(async () => {
    repository = await createTestRepository();
    repo = repository.dir;
    for (const version of ['one', 'two']) {
      commits.push(await repository.commit('VERSION', `${version}\n`, `version ${version}`));
    }
    t = await buildTestApp({ allowLocalRepos: true });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'src');
    const setup: [string, object][] = [
      ['/api/v1/workspaces/src/projects', { slug: 'app', name: 'app', repoUrl: repo, defaultBranch: 'main' }],
      ['/api/v1/workspaces/src/environments', { name: 'dev' }],
      [
        PIPELINES,
        {
          name: 'ci',
          spec: 'stages:\n  - name: s\n    jobs:\n      - name: show\n        image: alpine:3.22\n        steps:\n          - name: cat\n            run: cat VERSION\n',
        },
      ],
    ];
    for (const [url, payload] of setup) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, response.body).toBe(201);
    }
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
    await repository?.remove();
  });

  async function finished(number: number): Promise<Run> {
    for (let i = 0; i < 200; i++) {
      const run = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${number}` })
      ).json() as Run;
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${number} did not finish`);
  }

  async function logOf(number: number): Promise<string[]> {
    for (let i = 0; i < 100; i++) {
      const page = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/ci/runs/${number}/jobs/show/steps/cat/log` })
      ).json() as { lines: { text: string }[]; complete: boolean };
      if (page.complete) return page.lines.map((l) => l.text);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the log was not archived');
  }

  it('checks out the branch head and records the commit', async () => {
    const created = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ci/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    const run = await finished((created.json() as Run).number);
    expect(run.status, JSON.stringify(run.jobs)).toBe('succeeded');
    expect(run.commit).toBe(commits[1]);
    expect(run.jobs[0]?.steps[0]).toMatchObject({ name: 'checkout', result: commits[1] });
    expect(await logOf(run.number)).toContain('two');
  });

  it('checks out the commit that triggered the run, not a newer head', async () => {
    const run = await t.services.runs.start(
      {
        userId: (await t.db.prisma.user.findFirstOrThrow({ where: { username: 'admin' } })).id,
        username: 'admin',
        platformAdmin: true,
        via: 'session',
        ipAddress: '127.0.0.1',
      },
      { workspace: 'src', project: 'app', pipeline: 'ci' },
      {
        releaseType: 'default',
        environment: 'dev',
        parameters: {},
        ref: 'main',
        commit: commits[0],
        trigger: 'webhook',
      },
    );
    const done = await finished(run.number);
    expect(done.status, JSON.stringify(done.jobs)).toBe('succeeded');
    expect(done.jobs[0]?.steps[0]?.result).toBe(commits[0]);
    expect(await logOf(run.number)).toContain('one');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { until } from '../../../test/wait.ts';

const PASSWORD = 'runs-test-password';
const PIPELINES = '/api/v1/workspaces/acme/projects/shop/pipelines';

describe.skipIf(postgresSkipReason())('pipeline runs on the local executor', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let flagDir: string;

  async function pipeline(name: string, spec: string) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
  }

  async function run(
    client: SignedInClient,
    name: string,
    body: object,
    headers: Record<string, string> = {},
  ) {
    return client.request({ method: 'POST', url: `${PIPELINES}/${name}/runs`, payload: body, headers });
  }

  async function finished(name: string, number: number): Promise<Run> {
    return until(`run ${name}#${number} to finish`, async () => {
      const response = await admin.request({ method: 'GET', url: `${PIPELINES}/${name}/runs/${number}` });
      const body = response.json() as Run;
      return ['succeeded', 'failed', 'rejected', 'cancelled'].includes(body.status) ? body : undefined;
    });
  }

  async function user(username: string, projectRole: string) {
    await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username, password: PASSWORD } });
    const added = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/acme/projects/shop/members',
      payload: { user: username, role: projectRole },
    });
    expect(added.statusCode, added.body).toBe(201);
    return signIn(t.app, username, PASSWORD);
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop');
    for (const payload of [{ name: 'dev' }, { name: 'prod', production: true }]) {
      const env = await admin.request({
        method: 'POST',
        url: '/api/v1/workspaces/acme/environments',
        payload,
      });
      expect(env.statusCode, env.body).toBe(201);
    }
    flagDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-run-flags-'));
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
    if (flagDir) await rm(flagDir, { recursive: true, force: true });
  });

  it('runs stages in order and jobs in parallel, records steps and archives their logs', async () => {
    await pipeline(
      'build',
      `# two stages, two parallel jobs
parameters:
  - name: greeting
    type: string
    default: hello
releaseTypes:
  full:
    parameters: [greeting]
stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3.22
        steps:
          - name: greet
            run: echo "\${{ params.greeting }} from run \${{ run.number }} on \${{ environment.name }}"
          - name: many
            run: for i in $(seq 1 3000); do echo "line $i"; done
      - name: lint
        image: alpine:3.22
        steps:
          - run: echo "lint $SLIPWAY_JOB"
  - name: package
    jobs:
      - name: tarball
        image: alpine:3.22
        steps:
          - run: echo packaged
`,
    );
    const created = await run(admin, 'build', {
      releaseType: 'full',
      environment: 'dev',
      parameters: { greeting: 'hi' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json() as Run;
    expect(body).toMatchObject({ number: 1, releaseType: 'full', environment: 'dev', revision: 1 });
    expect(body.jobs.map((j) => `${j.stage}/${j.name}`)).toEqual([
      'test/unit',
      'test/lint',
      'package/tarball',
    ]);
    expect(body.jobs[0]?.steps.map((s) => s.name)).toEqual(['greet', 'many']);

    const done = await finished('build', 1);
    expect(done.status).toBe('succeeded');
    expect(done.jobs.every((j) => j.status === 'succeeded' && j.executor === 'local')).toBe(true);
    // Parallel: both jobs of the first stage started before either finished.
    const [unit, lint, tarball] = done.jobs;
    expect(Date.parse(lint?.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(unit?.finishedAt ?? ''));
    expect(Date.parse(unit?.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(lint?.finishedAt ?? ''));
    expect(Date.parse(tarball?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(unit?.finishedAt ?? ''));

    const log = await until('the logs to be archived', async () => {
      const response = await admin.request({
        method: 'GET',
        url: `${PIPELINES}/build/runs/1/jobs/unit/steps/greet/log`,
      });
      const page = response.json() as { lines: { number: number; text: string }[]; complete: boolean };
      return page.complete ? page : undefined;
    });
    expect(log.lines.map((l) => l.text)).toContain('hi from run 1 on dev');
    expect(log.lines[0]?.text).toMatch(/local executor/);

    const many = await until('the long log', async () => {
      const response = await admin.request({
        method: 'GET',
        url: `${PIPELINES}/build/runs/1/jobs/unit/steps/many/log`,
        query: { from: '2990', limit: '5' },
      });
      const page = response.json() as {
        lines: { number: number; text: string }[];
        totalLines: number;
        complete: boolean;
      };
      return page.complete ? page : undefined;
    });
    expect(many.totalLines).toBe(3000);
    expect(many.lines).toEqual([
      { number: 2990, text: 'line 2990' },
      { number: 2991, text: 'line 2991' },
      { number: 2992, text: 'line 2992' },
      { number: 2993, text: 'line 2993' },
      { number: 2994, text: 'line 2994' },
    ]);
    const found = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs/1/jobs/unit/steps/many/log`,
      query: { search: 'LINE 2999' },
    });
    expect((found.json() as { lines: unknown[] }).lines).toEqual([{ number: 2999, text: 'line 2999' }]);
    const download = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs/1/jobs/unit/steps/many/log`,
      query: { download: 'true' },
    });
    expect(download.headers['content-type']).toMatch(/text\/plain/);
    expect(download.body.split('\n').filter(Boolean)).toHaveLength(3000);

    const second = await run(admin, 'build', { releaseType: 'full', environment: 'dev' });
    expect((second.json() as Run).number).toBe(2);
    const list = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs`,
      query: { limit: '1' },
    });
    const page = list.json() as { items: Run[]; nextCursor: string | null };
    expect(page.items.map((r) => r.number)).toEqual([2]);
    const rest = await admin.request({
      method: 'GET',
      url: `${PIPELINES}/build/runs`,
      query: { cursor: page.nextCursor ?? '', status: 'succeeded' },
    });
    expect((rest.json() as { items: Run[] }).items.map((r) => r.number)).toEqual([1]);
    await finished('build', 2);
  });

  it('validates everything before anything runs and names what is wrong', async () => {
    await pipeline(
      'typed',
      `parameters:
  - name: tag
    type: string
    pattern: '^v\\d+$'
releaseTypes:
  hotfix:
    parameters: [tag]
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3.22
        steps:
          - run: echo \${{ params.tag }}
`,
    );
    const cases: [object, string][] = [
      [{ releaseType: 'hotfix', environment: 'dev', parameters: { tag: 'latest' } }, 'body.parameters.tag'],
      [{ releaseType: 'hotfix', environment: 'dev', parameters: {} }, 'body.parameters.tag'],
      [
        { releaseType: 'hotfix', environment: 'dev', parameters: { tag: 'v1', extra: 1 } },
        'body.parameters.extra',
      ],
      [{ releaseType: 'full', environment: 'dev', parameters: {} }, 'body.releaseType'],
      [{ releaseType: 'hotfix', environment: 'nowhere', parameters: { tag: 'v1' } }, 'body.environment'],
    ];
    for (const [body, field] of cases) {
      const response = await run(admin, 'typed', body);
      expect(response.statusCode, response.body).toBe(400);
      expect((response.json() as { details: { field: string }[] }).details.map((d) => d.field)).toContain(
        field,
      );
    }
    const list = await admin.request({ method: 'GET', url: `${PIPELINES}/typed/runs` });
    expect((list.json() as { items: unknown[] }).items).toEqual([]);

    const developer = await user('devon', 'developer');
    const prod = await run(developer, 'typed', {
      releaseType: 'hotfix',
      environment: 'prod',
      parameters: { tag: 'v1' },
    });
    expect(prod.statusCode).toBe(403);
    expect(prod.json()).toMatchObject({ details: [{ field: 'body.environment' }] });
    const locked = await admin.request({
      method: 'PATCH',
      url: '/api/v1/workspaces/acme/environments/dev',
      payload: { locked: true },
    });
    expect(locked.statusCode, locked.body).toBe(200);
    const refused = await run(admin, 'typed', {
      releaseType: 'hotfix',
      environment: 'dev',
      parameters: { tag: 'v1' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ details: [{ field: 'body.environment', message: 'locked' }] });
    await admin.request({
      method: 'PATCH',
      url: '/api/v1/workspaces/acme/environments/dev',
      payload: { locked: false },
    });
    const viewer = await user('vera', 'viewer');
    expect(
      (await run(viewer, 'typed', { releaseType: 'hotfix', environment: 'dev', parameters: { tag: 'v1' } }))
        .statusCode,
    ).toBe(403);
  });

  it('returns the same run for a repeated Idempotency-Key', async () => {
    await pipeline(
      'once',
      'stages:\n  - name: s\n    jobs:\n      - name: j\n        image: alpine:3.22\n        steps:\n          - run: "true"\n',
    );
    const headers = { 'idempotency-key': 'click-42' };
    const [a, b] = await Promise.all([
      run(admin, 'once', { releaseType: 'default', environment: 'dev' }, headers),
      run(admin, 'once', { releaseType: 'default', environment: 'dev' }, headers),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect((a.json() as Run).number).toBe((b.json() as Run).number);
    const c = await run(admin, 'once', { releaseType: 'default', environment: 'dev' }, headers);
    expect((c.json() as Run).number).toBe((a.json() as Run).number);
    const list = await admin.request({ method: 'GET', url: `${PIPELINES}/once/runs` });
    expect((list.json() as { items: unknown[] }).items).toHaveLength(1);
  });

  // Field report idempotency-key-different-body.sh: the second body was silently dropped.
  it('refuses an Idempotency-Key reused with a different body, pipeline or caller (422 naming the header)', async () => {
    await pipeline(
      'titled',
      `parameters:
  - name: title
    type: string
releaseTypes:
  full:
    parameters: [title]
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3.22
        steps:
          - run: echo "$TITLE"
`,
    );
    const headers = { 'idempotency-key': 'peer-key-2' };
    const body = (title: string) => ({ releaseType: 'full', environment: 'dev', parameters: { title } });
    const first = await run(admin, 'titled', body('first body'), headers);
    expect(first.statusCode, first.body).toBe(201);
    const number = (first.json() as Run).number;

    const refusals = [
      await run(admin, 'titled', body('DIFFERENT body'), headers),
      await run(admin, 'titled', { ...body('first body'), ref: 'other-branch' }, headers),
      await run(
        admin,
        'titled',
        { releaseType: 'full', environment: 'prod', parameters: { title: 'first body' } },
        headers,
      ),
      await run(await user('key-thief', 'operator'), 'titled', body('first body'), headers),
    ];
    for (const refused of refusals) {
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({
        statusCode: 422,
        message: expect.stringMatching(/Idempotency-Key was already used for a different request/),
        details: [{ field: 'headers.idempotency-key', message: expect.stringMatching(/Idempotency-Key/) }],
      });
    }
    // Key order and a repeat of the same body give the same run, whatever order the JSON had.
    const repeat = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/titled/runs`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"parameters":{"title":"first body"},"environment":"dev","releaseType":"full"}',
    });
    expect(repeat.statusCode, repeat.body).toBe(201);
    expect(repeat.json()).toMatchObject({ number, parameters: { title: 'first body' } });
    const list = await admin.request({ method: 'GET', url: `${PIPELINES}/titled/runs` });
    expect((list.json() as { items: unknown[] }).items).toHaveLength(1);

    const malformed = await run(admin, 'titled', body('x'), { 'idempotency-key': 'has space' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().details).toEqual([
      { field: 'header.idempotency-key', message: expect.any(String) },
    ]);

    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operation =
      doc.paths['/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs'].post;
    expect(operation.responses['422'].description).toMatch(/Idempotency-Key was already used/);
    expect(operation.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]),
    );
  });

  it('fails a run on a failing step, retries a job, skips what follows and enforces timeouts', async () => {
    // Two pipelines, not one: a timed-out sibling would end the stage before a busy machine
    // got round to the retry, and the retry would then (rightly) be skipped.
    await pipeline(
      'flaky',
      `stages:
  - name: check
    jobs:
      - name: fails
        image: alpine:3.22
        retries: 1
        steps:
          - name: first
            run: echo trying; exit 3
          - name: never
            run: echo unreachable
  - name: after
    jobs:
      - name: skipped
        image: alpine:3.22
        steps:
          - run: echo no
`,
    );
    await pipeline(
      'slow',
      `stages:
  - name: check
    jobs:
      - name: slow
        image: alpine:3.22
        timeout: 2s
        steps:
          - run: sleep 30
`,
    );
    const flaky = await run(admin, 'flaky', { releaseType: 'default', environment: 'dev' });
    const slow = await run(admin, 'slow', { releaseType: 'default', environment: 'dev' });
    const done = await finished('flaky', (flaky.json() as Run).number);
    expect(done.status).toBe('failed');
    const byName = Object.fromEntries(done.jobs.map((j) => [j.name, j]));
    expect(byName.fails).toMatchObject({ status: 'failed', attempt: 2 });
    expect(byName.fails?.steps).toMatchObject([
      { name: 'first', status: 'failed', exitCode: 3 },
      { name: 'never', status: 'skipped' },
    ]);
    expect(byName.skipped).toMatchObject({ status: 'skipped' });

    const timedOut = await finished('slow', (slow.json() as Run).number);
    expect(timedOut.status).toBe('failed');
    const slowJob = timedOut.jobs.find((j) => j.name === 'slow');
    expect(slowJob).toMatchObject({ status: 'failed' });
    expect(slowJob?.message).toMatch(/timed out after 2s/);
  });

  it('cancels a run: the processes are killed, remaining work is cancelled', async () => {
    const marker = path.join(flagDir, 'cancel-survivor');
    await pipeline(
      'long',
      `stages:
  - name: s
    jobs:
      - name: sleeper
        image: alpine:3.22
        steps:
          - run: echo started; sleep 5; touch ${marker}
  - name: t
    jobs:
      - name: later
        image: alpine:3.22
        steps:
          - run: echo no
`,
    );
    const number = ((await run(admin, 'long', { releaseType: 'default', environment: 'dev' })).json() as Run)
      .number;
    await until('the step to start', async () => {
      const body = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/long/runs/${number}` })
      ).json() as Run;
      return body.jobs[0]?.steps[0]?.status === 'running' ? true : undefined;
    });
    const cancelled = await admin.request({ method: 'POST', url: `${PIPELINES}/long/runs/${number}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    const done = await finished('long', number);
    expect(done.status).toBe('cancelled');
    expect(done.jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await expect(rm(marker)).rejects.toThrow(); // the killed step never got to touch it
  });

  it('retries from a failed stage, re-using the stages before it', async () => {
    const flag = path.join(flagDir, 'ready');
    await pipeline(
      'staged',
      `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - run: echo compiled
  - name: verify
    jobs:
      - name: check
        image: alpine:3.22
        steps:
          - run: test -f ${flag}
`,
    );
    const first = ((await run(admin, 'staged', { releaseType: 'default', environment: 'dev' })).json() as Run)
      .number;
    expect((await finished('staged', first)).status).toBe('failed');
    await writeFile(flag, '');
    const retried = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/staged/runs/${first}/retry`,
      payload: { fromStage: 'verify' },
    });
    expect(retried.statusCode, retried.body).toBe(201);
    const second = retried.json() as Run;
    expect(second).toMatchObject({ trigger: 'retry', retryOf: first });
    const done = await finished('staged', second.number);
    expect(done.status).toBe('succeeded');
    const compile = await t.db.prisma.jobRun.findFirst({
      where: { run: { number: second.number, pipeline: { name: 'staged' } }, name: 'compile' },
    });
    expect(compile).toMatchObject({ status: 'succeeded', reusedFrom: first, executor: null });
    const badStage = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/staged/runs/${first}/retry`,
      payload: { fromStage: 'nope' },
    });
    expect(badStage.statusCode).toBe(400);
  });

  it('retries on the latest revision with the same values, refusing what that revision no longer takes', async () => {
    const spec = (release: string, step: string) => `parameters:
  - name: greeting
    type: string
releaseTypes:
  ${release}: { parameters: [greeting] }
stages:
  - name: build
    jobs:
      - name: say
        image: alpine:3.22
        steps:
          - run: ${step}
`;
    await pipeline('evolving', spec('full', 'exit 1'));
    const first = (
      (
        await run(admin, 'evolving', {
          releaseType: 'full',
          environment: 'dev',
          parameters: { greeting: 'hello' },
        })
      ).json() as Run
    ).number;
    expect((await finished('evolving', first)).status).toBe('failed');
    const fixed = await admin.request({
      method: 'PUT',
      url: `${PIPELINES}/evolving`,
      payload: { spec: spec('full', 'echo fixed'), baseRevision: 1, message: 'fix' },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);

    // The default is unchanged: the revision the run ran.
    const same = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: {},
    });
    expect(same.statusCode, same.body).toBe(201);
    expect(same.json()).toMatchObject({ revision: 1, retryOf: first });
    expect((await finished('evolving', same.json().number)).status).toBe('failed');

    const fromStage = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'latest', fromStage: 'build' },
    });
    expect(fromStage.statusCode).toBe(400);
    expect(fromStage.json().details[0].field).toBe('body.fromStage');

    const latest = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'latest' },
    });
    expect(latest.statusCode, latest.body).toBe(201);
    const retried = latest.json() as Run;
    expect(retried).toMatchObject({
      number: same.json().number + 1,
      revision: 2,
      trigger: 'retry',
      retryOf: first,
      releaseType: 'full',
      environment: 'dev',
      parameters: { greeting: 'hello' },
    });
    expect((await finished('evolving', retried.number)).status).toBe('succeeded');

    // The release type the run used is gone from the current revision: refused, nothing created.
    const renamed = await admin.request({
      method: 'PUT',
      url: `${PIPELINES}/evolving`,
      payload: { spec: spec('nightly', 'echo renamed'), baseRevision: 2 },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const refused = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'latest' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual([
      expect.objectContaining({ field: 'body.releaseType', message: expect.stringContaining('nightly') }),
    ]);
    // Back to release type full, which no longer asks for the run's parameter: refused too.
    const unasked = await admin.request({
      method: 'PUT',
      url: `${PIPELINES}/evolving`,
      payload: {
        spec: spec('full', 'echo unasked').replace(
          'full: { parameters: [greeting] }',
          'full: { parameters: [] }',
        ),
        baseRevision: 3,
      },
    });
    expect(unasked.statusCode, unasked.body).toBe(200);
    const unaskedRetry = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'latest' },
    });
    expect(unaskedRetry.statusCode).toBe(400);
    expect(unaskedRetry.json().details).toEqual([
      expect.objectContaining({ field: 'body.parameters.greeting' }),
    ]);
    const runs = (await admin.request({ method: 'GET', url: `${PIPELINES}/evolving/runs` })).json().items;
    expect(runs[0].number).toBe(retried.number);

    const bad = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'newest' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.revision');
    const viewer = await user('vic', 'viewer');
    const denied = await viewer.request({
      method: 'POST',
      url: `${PIPELINES}/evolving/runs/${first}/retry`,
      payload: { revision: 'latest' },
    });
    expect(denied.statusCode).toBe(403);
  });

  it('waits at an approval gate: role, count and self-approval rules apply', async () => {
    await pipeline(
      'gated',
      `stages:
  - name: approve
    approval: { role: operator, count: 2, allowSelfApproval: false }
  - name: ship
    jobs:
      - name: deploy
        image: alpine:3.22
        steps:
          - run: echo shipped
`,
    );
    const developer = await user('dana', 'developer');
    const number = (
      (await run(developer, 'gated', { releaseType: 'default', environment: 'dev' })).json() as Run
    ).number;
    const waiting = await until('the gate to open', async () => {
      const body = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/gated/runs/${number}` })
      ).json() as Run;
      return body.status === 'waiting' ? body : undefined;
    });
    expect(waiting.jobs[0]).toMatchObject({
      kind: 'approval',
      status: 'waiting',
      approval: { role: 'operator', count: 2 },
    });
    const decide = (client: SignedInClient, decision = 'approve') =>
      client.request({
        method: 'POST',
        url: `${PIPELINES}/gated/runs/${number}/approvals/approve`,
        payload: { decision },
      });
    expect((await decide(developer)).statusCode).toBe(403); // started it, and not an operator
    const otto = await user('otto', 'operator');
    const olga = await user('olga', 'operator');
    expect((await decide(otto)).statusCode).toBe(200);
    expect((await decide(otto)).statusCode).toBe(409);
    expect(
      ((await admin.request({ method: 'GET', url: `${PIPELINES}/gated/runs/${number}` })).json() as Run)
        .status,
    ).toBe('waiting');
    expect((await decide(olga)).statusCode).toBe(200);
    const done = await finished('gated', number);
    expect(done.status).toBe('succeeded');
    expect(done.jobs[0]?.approval?.decisions.map((d) => d.user)).toEqual(['otto', 'olga']);

    const rejected = (
      (await run(developer, 'gated', { releaseType: 'default', environment: 'dev' })).json() as Run
    ).number;
    await until('the second gate', async () => {
      const body = (
        await admin.request({ method: 'GET', url: `${PIPELINES}/gated/runs/${rejected}` })
      ).json() as Run;
      return body.status === 'waiting' ? true : undefined;
    });
    const no = await otto.request({
      method: 'POST',
      url: `${PIPELINES}/gated/runs/${rejected}/approvals/approve`,
      payload: { decision: 'reject', comment: 'not today' },
    });
    expect(no.statusCode).toBe(200);
    const after = await finished('gated', rejected);
    expect(after.status).toBe('rejected');
    expect(after.jobs[0]?.message).toBe('rejected by otto: not today');
    expect(after.jobs[1]?.status).toBe('skipped');
  });

  it('keeps secret parameters out of the run record and masks them in logs', async () => {
    await pipeline(
      'secretive',
      `parameters:
  - name: token
    type: secret
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3.22
        steps:
          - name: leak
            run: echo "token is \${{ params.token }}"
`,
    );
    const created = await run(admin, 'secretive', {
      releaseType: 'default',
      environment: 'dev',
      parameters: { token: 's3cr3t-value' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json() as Run;
    expect(body.parameters).toEqual({ token: '***' });
    expect(JSON.stringify(body)).not.toContain('s3cr3t-value');
    expect((await finished('secretive', body.number)).status).toBe('succeeded');
    const log = await until('the log', async () => {
      const page = (
        await admin.request({
          method: 'GET',
          url: `${PIPELINES}/secretive/runs/${body.number}/jobs/j/steps/leak/log`,
        })
      ).json() as { lines: { text: string }[]; complete: boolean };
      return page.complete ? page : undefined;
    });
    expect(log.lines.map((l) => l.text)).toContain('token is ***');
    // Dropped once the run has ended and its logs are archived (masked with them).
    const row = await until('the secret values to be dropped', async () => {
      const found = await t.db.prisma.pipelineRun.findFirst({
        where: { number: body.number, pipeline: { name: 'secretive' } },
      });
      return found?.secretValues === null ? found : undefined;
    });
    expect(JSON.stringify(row?.parameters)).not.toContain('s3cr3t');
  });
});

import type { JobRun, Run, RunEvent } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
  until,
} from '../../../test/helper.ts';
import { manualPipeline } from '../../../test/manual-pipeline.ts';

const PIPELINES = '/api/v1/workspaces/manual/projects/shop/pipelines';

describe.skipIf(postgresSkipReason())('manual jobs on the local executor', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let operator: SignedInClient;
  let viewer: SignedInClient;

  async function pipeline(name: string, text: string) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec: text } });
    expect(created.statusCode, created.body).toBe(201);
  }

  const get = async (client: SignedInClient, name: string, number: number) =>
    (await client.request({ method: 'GET', url: `${PIPELINES}/${name}/runs/${number}` })).json() as Run;

  const jobOf = (run: Run, name: string): JobRun | undefined => run.jobs.find((j) => j.name === name);

  /** Waits until the run has `status` (then returns it). */
  const reaches = (name: string, number: number, status: Run['status']) =>
    until(`run ${name}#${number} to be ${status}`, async () => {
      const run = await get(admin, name, number);
      return run.status === status ? run : undefined;
    });

  async function start(client: SignedInClient, name: string): Promise<number> {
    const started = await client.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(started.statusCode, started.body).toBe(201);
    return (started.json() as Run).number;
  }

  const play = (client: SignedInClient, name: string, number: number, job: string, payload?: object) =>
    client.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs/${number}/jobs/${job}/play`,
      ...(payload ? { payload } : {}),
    });

  async function events(name: string, number: number): Promise<RunEvent[]> {
    const run = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number, pipeline: { name } },
      select: { id: true },
    });
    const rows = await t.db.prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { id: 'asc' } });
    return rows.map((row) => ({ ...(row.data as object), type: row.type }) as RunEvent);
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'manual', 'shop', 'dev');
    const target = { workspace: 'manual', project: 'shop' };
    operator = await signInAsProjectMember(t.app, admin, { ...target, username: 'olive', role: 'operator' });
    viewer = await signInAsProjectMember(t.app, admin, { ...target, username: 'vic', role: 'viewer' });
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a run finishes succeeded without its manual job; an operator plays it, it runs, the run finishes again', async () => {
    await pipeline('ship', manualPipeline());
    const number = await start(operator, 'ship');
    const first = await reaches('ship', number, 'succeeded');
    // The manual job waited to be played; the stage after it ran all the same.
    expect(jobOf(first, 'publish')).toMatchObject({ status: 'manual', startedAt: null });
    expect(jobOf(first, 'publish')?.steps.map((s) => s.status)).toEqual(['pending']);
    expect(jobOf(first, 'check')?.status).toBe('succeeded');
    expect(first.finishedAt).not.toBeNull();

    // The view says who may play it, by the play endpoint's rule.
    expect(jobOf(await get(viewer, 'ship', number), 'publish')?.manual).toEqual({
      playedBy: null,
      playedAt: null,
      caller: { mayPlay: false, reason: 'you may not run this pipeline' },
    });
    expect(jobOf(await get(operator, 'ship', number), 'publish')?.manual?.caller).toEqual({
      mayPlay: true,
      reason: null,
    });

    const refused = await play(viewer, 'ship', number, 'publish', {});
    expect(refused.statusCode, refused.body).toBe(403);
    expect(jobOf(await get(admin, 'ship', number), 'publish')?.status).toBe('manual');

    const played = await play(operator, 'ship', number, 'publish', {});
    expect(played.statusCode, played.body).toBe(200);
    const body = played.json() as Run;
    expect(body.status).toBe('running');
    expect(body.finishedAt).toBeNull();
    expect(jobOf(body, 'publish')?.status).toMatch(/^(pending|running|succeeded)$/);
    expect(jobOf(body, 'publish')?.manual).toMatchObject({ playedBy: 'olive', caller: null });

    const again = await reaches('ship', number, 'succeeded');
    expect(jobOf(again, 'publish')).toMatchObject({ status: 'succeeded', executor: 'local' });
    expect(jobOf(again, 'publish')?.manual?.playedAt).toEqual(expect.any(String));
    const log = await until('the played job’s log', async () => {
      const page = (
        await admin.request({
          method: 'GET',
          url: `${PIPELINES}/ship/runs/${number}/jobs/publish/steps/push/log`,
        })
      ).json() as { lines: Array<{ text: string }>; complete: boolean };
      return page.complete ? page : undefined;
    });
    expect(log.lines.map((l) => l.text)).toContain('published');

    // The stream told viewers: the job pending again, the run running again, then done.
    const told = (await events('ship', number)).flatMap((e) =>
      e.type === 'run'
        ? [`run ${e.status}`]
        : e.type === 'job' && e.name === 'publish'
          ? [`job ${e.status}`]
          : [],
    );
    expect(told).toEqual([
      'run queued',
      'run running',
      'job manual',
      'run succeeded',
      'job pending',
      'run running',
      'job running',
      'job succeeded',
      'run succeeded',
    ]);

    // Played once: a second play is a conflict, and it is audited with who did it.
    const twice = await play(operator, 'ship', number, 'release.publish');
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().message).toContain('already played by olive');
    const audit = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'playJob', outcome: 'allowed' },
    });
    expect(audit).toMatchObject({
      actorName: 'olive',
      objectName: `manual/shop/ship/${number}/publish`,
      detail: { changes: { status: { before: 'manual', after: 'pending' } } },
    });
  });

  it('a played job that fails fails the run', async () => {
    await pipeline('broken', manualPipeline('echo nope; exit 3'));
    const number = await start(admin, 'broken');
    await reaches('broken', number, 'succeeded');
    const played = await play(operator, 'broken', number, 'publish');
    expect(played.statusCode, played.body).toBe(200);
    const failed = await reaches('broken', number, 'failed');
    expect(jobOf(failed, 'publish')?.status).toBe('failed');
    expect(failed.message).toMatch(/^release \/ publish: /);
    // Nothing manual is left in a failed run.
    expect((await play(operator, 'broken', number, 'publish')).statusCode).toBe(409);
  });

  it('cancelling a run cancels its manual jobs; they cannot be played then', async () => {
    await pipeline('slow', manualPipeline('echo never', 'sleep 60'));
    const number = await start(admin, 'slow');
    await until('the manual job to wait and the next stage to run', async () => {
      const run = await get(admin, 'slow', number);
      return jobOf(run, 'publish')?.status === 'manual' && jobOf(run, 'check')?.status === 'running'
        ? run
        : undefined;
    });
    const cancel = await admin.request({ method: 'POST', url: `${PIPELINES}/slow/runs/${number}/cancel` });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const cancelled = await reaches('slow', number, 'cancelled');
    expect(jobOf(cancelled, 'publish')?.status).toBe('cancelled');
    const refused = await play(admin, 'slow', number, 'publish');
    expect(refused.statusCode, refused.body).toBe(409);
  });

  it('a retry from a stage after an unplayed manual job reaches that job afresh', async () => {
    const number = await start(admin, 'ship');
    await reaches('ship', number, 'succeeded');
    const retried = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ship/runs/${number}/retry`,
      payload: { fromStage: 'verify' },
    });
    expect(retried.statusCode, retried.body).toBe(201);
    const retry = await reaches('ship', (retried.json() as Run).number, 'succeeded');
    expect(jobOf(retry, 'compile')?.reusedFrom).toBe(number);
    expect(jobOf(retry, 'publish')).toMatchObject({ status: 'manual', reusedFrom: null });
  });

  it('refuses a body with unknown fields (naming them) and an unknown job', async () => {
    const number = await start(admin, 'ship');
    const bad = await play(admin, 'ship', number, 'publish', { force: true });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.body).toContain('force');
    const unknown = await play(admin, 'ship', number, 'nope');
    expect(unknown.statusCode, unknown.body).toBe(404);
    await reaches('ship', number, 'succeeded');
  });
});

// Pipeline schedules on real PostgreSQL, with two app instances on one database: each tick
// fires once even when both run the scheduler (a leadership hand-over), a tick missed while
// down fires once, a crash between a tick's run and its claim loses and doubles nothing,
// and bad input is refused at the field.
import { CSRF_HEADER, type Run, type Schedule } from '@slipway/contracts';
import { type Database, openDatabase } from '@slipway/db';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
  testAppConfig,
  until,
} from '../../../test/helper.ts';
import { buildApp, type SlipwayApp } from '../../app.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { announcementHandler, createScheduler, tickKey } from './scheduler.ts';
import { createSchedulesRepo } from './schedules.repo.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/shop/pipelines';
const SCHEDULES = `${PIPELINES}/nightly/schedules`;
const SPEC = `parameters:
  - name: target
    type: string
    default: all
releaseTypes:
  full:
    parameters: [target]
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        steps:
          - run: echo build
`;

describe.skipIf(postgresSkipReason())('pipeline schedules', () => {
  let t: TestApp;
  let second: SlipwayApp;
  let secondDb: Database;
  let admin: SignedInClient;

  beforeAll(async () => {
    t = await buildTestApp();
    // A second replica on the same database.
    secondDb = await openDatabase({ databaseUrl: t.database.url, dataDir: '/nonexistent' });
    second = await buildApp({ db: secondDb, config: testAppConfig() });
    await second.app.ready();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop', 'dev');
    await seedWorkspace(admin, 'other', undefined, 'gone');
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: 'nightly', spec: SPEC },
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  afterAll(async () => {
    await second?.app.close();
    await secondDb?.close();
    await t?.close();
  });

  async function create(payload: object) {
    return admin.request({ method: 'POST', url: SCHEDULES, payload });
  }
  async function schedule(id: string): Promise<Schedule> {
    return (await admin.request({ method: 'GET', url: `${SCHEDULES}/${id}` })).json();
  }
  function runsOf(id: string) {
    return t.db.prisma.pipelineRun.findMany({
      where: { idempotencyKey: { startsWith: `schedule:${id}:` } },
      orderBy: { number: 'asc' },
    });
  }

  it('refuses bad input with 400 naming the field', async () => {
    const valid = { cron: '0 3 * * *', timezone: 'Europe/Berlin', releaseType: 'full', environment: 'dev' };
    const cases: [object, string, RegExp][] = [
      [{ timezone: 'Mars/Olympus' }, 'body.timezone', /unknown time zone/],
      [{ cron: '61 * * * *' }, 'body.cron', /invalid cron expression: .+/],
      [{ cron: 'every day' }, 'body.cron', /invalid cron expression: .+/],
      [{ releaseType: 'nope' }, 'body.releaseType', /./],
      [{ parameters: { unknown: 'x' } }, 'body.parameters.unknown', /./],
      [{ environment: 'nowhere' }, 'body.environment', /unknown environment/],
      [{ ref: 'refs/tags/' }, 'body.ref', /tag name is empty/],
    ];
    for (const [change, field, message] of cases) {
      const response = await create({ ...valid, ...change });
      expect(response.statusCode, `${JSON.stringify(change)}: ${response.body}`).toBe(400);
      const detail = response.json().details.find((d: { field: string }) => d.field === field);
      expect(detail?.message, `${JSON.stringify(change)}: ${response.body}`).toMatch(message);
    }
    expect((await admin.request({ method: 'GET', url: SCHEDULES })).json().items).toEqual([]);
  });

  it('creates a schedule with its next five fire times, audited; edits and deletes it', async () => {
    const response = await create({
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      releaseType: 'full',
      environment: 'dev',
      parameters: { target: 'web' },
      enabled: false,
    });
    expect(response.statusCode, response.body).toBe(201);
    const disabled = response.json() as Schedule;
    expect(disabled.nextRuns).toEqual([]);
    const enabled = (
      await admin.request({ method: 'PATCH', url: `${SCHEDULES}/${disabled.id}`, payload: { enabled: true } })
    ).json() as Schedule;
    expect(enabled.nextRuns).toHaveLength(5);
    for (const at of enabled.nextRuns) {
      const date = new Date(at);
      expect(date.getTime()).toBeGreaterThan(Date.now());
      // 09:00 in Berlin is 07:00 or 08:00 UTC, on weekdays.
      expect([7, 8]).toContain(date.getUTCHours());
      expect([1, 2, 3, 4, 5]).toContain(date.getUTCDay());
    }
    expect(enabled.runsAs).toBe('admin');
    const bad = await admin.request({
      method: 'PATCH',
      url: `${SCHEDULES}/${disabled.id}`,
      payload: { cron: '* * *' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.cron');
    const deleted = await admin.request({ method: 'DELETE', url: `${SCHEDULES}/${disabled.id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await admin.request({ method: 'GET', url: `${SCHEDULES}/${disabled.id}` })).statusCode).toBe(404);
    const actions = await t.db.prisma.auditEvent.findMany({
      where: { action: { in: ['createSchedule', 'updateSchedule', 'deleteSchedule'] } },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['createSchedule', 'updateSchedule', 'deleteSchedule']),
    );
  });

  it('fires each tick once with two replicas running the scheduler; the runs are triggered by schedule', async () => {
    const response = await create({
      cron: '* * * * * *',
      timezone: 'UTC',
      releaseType: 'full',
      environment: 'dev',
      parameters: { target: 'api' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json() as Schedule;
    const startedAt = Date.now();
    // Both at once, the worst case (two replicas that each believe they lead).
    t.scheduler.start();
    second.scheduler.start();
    await until('three ticks to fire', async () => ((await runsOf(id)).length >= 3 ? true : undefined));
    await admin.request({ method: 'PATCH', url: `${SCHEDULES}/${id}`, payload: { enabled: false } });
    await Promise.all([t.scheduler.stop(), second.scheduler.stop()]);
    const elapsedSeconds = Math.ceil((Date.now() - startedAt) / 1000);

    const runs = await runsOf(id);
    const ticks = runs.map(
      (run) => run.idempotencyKey?.slice(`schedule:${id}:`.length, `schedule:${id}:`.length + 24) ?? '',
    );
    // One run per tick: distinct whole-second ticks, increasing with the run numbers.
    expect(new Set(ticks).size).toBe(runs.length);
    expect([...ticks].sort()).toEqual(ticks);
    for (const tick of ticks) expect(tick).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(runs.length).toBeLessThanOrEqual(elapsedSeconds + 1);

    const latest = runs.at(-1);
    const run = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/nightly/runs/${latest?.number}` })
    ).json() as Run;
    expect(run.trigger).toBe('schedule');
    expect(run.triggeredBy).toBe('admin');
    expect(run.releaseType).toBe('full');
    expect(run.parameters).toEqual({ target: 'api' });
    const shown = await schedule(id);
    expect(shown.lastRun?.number).toBe(latest?.number);
    expect(shown.lastError).toBeNull();
  });

  it('stores a secret parameter’s value encrypted, shows it masked, keeps it when sent back masked, and runs with it', async () => {
    const vault = `${PIPELINES}/vault`;
    const saved = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: {
        name: 'vault',
        spec: `parameters:\n  - name: token\n    type: secret\n  - name: region\n    type: string\n${SPEC.slice(SPEC.indexOf('stages:'))}`,
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const value = 'sched-secret-7f3e9a1c';
    const created = await admin.request({
      method: 'POST',
      url: `${vault}/schedules`,
      payload: {
        cron: '0 3 1 1 *',
        timezone: 'UTC',
        releaseType: 'default',
        environment: 'dev',
        parameters: { token: value, region: 'eu' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, parameters } = created.json() as Schedule;
    expect(parameters).toEqual({ token: '***', region: 'eu' });
    const row = async () =>
      JSON.stringify((await t.db.prisma.pipelineSchedule.findUniqueOrThrow({ where: { id } })).parameters);
    expect(await row()).not.toContain(value);
    expect(await row()).toContain('"region":"eu"');
    // The masked value sent back (as an edit form shows it) keeps the stored one.
    const edited = await admin.request({
      method: 'PATCH',
      url: `${vault}/schedules/${id}`,
      payload: { parameters: { token: '***', region: 'us' }, ref: null },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as Schedule).parameters).toEqual({ token: '***', region: 'us' });
    expect(await row()).not.toContain(value);

    await t.db.prisma.pipelineSchedule.update({
      where: { id },
      data: { nextRunAt: new Date(Date.now() - 5_000) },
    });
    t.scheduler.start();
    const [run] = await until('the tick to fire', async () => {
      const runs = await runsOf(id);
      return runs.length > 0 ? runs : undefined;
    });
    await t.scheduler.stop();
    expect(run?.parameters).toEqual({ token: '***', region: 'us' });
    expect(JSON.parse(createSecretBox(TEST_SECRET_KEY).decrypt(run?.secretValues ?? ''))).toEqual({
      token: value,
    });
  });

  it('seals the values schedules and webhooks saved for a parameter when a pipeline save makes it secret', async () => {
    const rotate = `${PIPELINES}/rotate`;
    const value = 'was-plain-then-secret-5d1c';
    expect(
      (await admin.request({ method: 'POST', url: PIPELINES, payload: { name: 'rotate', spec: SPEC } }))
        .statusCode,
    ).toBe(201);
    const created = await admin.request({
      method: 'POST',
      url: `${rotate}/schedules`,
      payload: {
        cron: '0 3 1 1 *',
        timezone: 'UTC',
        releaseType: 'full',
        environment: 'dev',
        parameters: { target: value },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as Schedule;
    const hooks = '/api/v1/workspaces/acme/projects/shop/webhooks';
    const hook = await admin.request({
      method: 'POST',
      url: hooks,
      payload: {
        name: 'rotate-hook',
        provider: 'github',
        events: ['push'],
        pipeline: 'rotate',
        releaseType: 'full',
        environment: 'dev',
        parameters: { target: value },
      },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    expect(hook.json().parameters).toEqual({ target: value });

    const secretSpec = SPEC.replace('    type: string\n    default: all\n', '    type: secret\n');
    expect(secretSpec).not.toBe(SPEC);
    const saved = await admin.request({
      method: 'PUT',
      url: rotate,
      payload: { spec: secretSpec, baseRevision: 1 },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const shownSchedule = await admin.request({ method: 'GET', url: `${rotate}/schedules/${id}` });
    expect(shownSchedule.json().parameters).toEqual({ target: '***' });
    const shownHook = await admin.request({ method: 'GET', url: `${hooks}/rotate-hook` });
    expect(shownHook.json().parameters).toEqual({ target: '***' });
    const box = createSecretBox(TEST_SECRET_KEY);
    const scheduleRow = await t.db.prisma.pipelineSchedule.findUniqueOrThrow({ where: { id } });
    const webhookRow = await t.db.prisma.webhook.findFirstOrThrow({ where: { name: 'rotate-hook' } });
    for (const stored of [scheduleRow.parameters, webhookRow.parameters]) {
      expect(JSON.stringify(stored)).not.toContain(value);
      // Still the value runs start with.
      expect(box.decrypt((stored as { target: { sealed: string } }).target.sealed)).toBe(value);
    }
    expect((await admin.request({ method: 'DELETE', url: `${hooks}/rotate-hook` })).statusCode).toBe(204);
  });

  it('fires ticks missed while down once, then continues from the next future tick', async () => {
    const { id } = (
      await create({ cron: '* * * * *', timezone: 'UTC', releaseType: 'full', environment: 'dev' })
    ).json() as Schedule;
    // Down for an hour: sixty ticks were missed.
    const due = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
    await t.db.prisma.pipelineSchedule.update({ where: { id }, data: { nextRunAt: due } });
    t.scheduler.start();
    const fired = await until('the missed tick to fire', async () => {
      const row = await schedule(id);
      return row.lastFiredAt ? row : undefined;
    });
    await t.scheduler.stop();
    expect(fired.lastFiredAt).toBe(due.toISOString());
    expect(new Date(fired.nextRunAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await runsOf(id)).length).toBe(1);
  });

  it('a crash after a tick’s run started but before its claim neither loses nor doubles the run', async () => {
    const { id } = (
      await create({ cron: '0 0 1 1 *', timezone: 'UTC', releaseType: 'full', environment: 'dev' })
    ).json() as Schedule;
    const due = new Date(Date.now() - 5_000);
    await t.db.prisma.pipelineSchedule.update({ where: { id }, data: { nextRunAt: due } });
    // What the scheduler had done when the process died: the run started, the tick unclaimed.
    const actor = {
      userId: '',
      username: 'admin',
      platformAdmin: true,
      via: 'token' as const,
      ipAddress: 'scheduler',
    };
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'acme' } });
    const before = await t.services.runs.start(
      { ...actor, userId: user.id, tokenWorkspaceId: workspace.id },
      { workspace: 'acme', project: 'shop', pipeline: 'nightly' },
      {
        releaseType: 'full',
        environment: 'dev',
        parameters: {},
        trigger: 'schedule',
        idempotencyKey: tickKey(id, due),
      },
    );
    second.scheduler.start();
    const fired = await until('the tick to be claimed', async () => {
      const row = await schedule(id);
      return row.lastFiredAt ? row : undefined;
    });
    await second.scheduler.stop();
    expect(fired.lastRun?.number).toBe(before.number);
    expect((await runsOf(id)).map((r) => r.number)).toEqual([before.number]);
  });

  it('an edit saved after the due ticks were read wins; one saved while the run starts keeps the run on record', async () => {
    const disable = (id: string) =>
      admin.request({ method: 'PATCH', url: `${SCHEDULES}/${id}`, payload: { enabled: false } });
    const repo = createSchedulesRepo(t.db.prisma);
    const dueAgo = async (id: string) => {
      const due = new Date(Date.now() - 5_000);
      await t.db.prisma.pipelineSchedule.update({ where: { id }, data: { nextRunAt: due } });
      return due;
    };
    const payload = { cron: '0 0 1 1 *', timezone: 'UTC', releaseType: 'full', environment: 'dev' };

    // Disabled after the scheduler read the batch of due ticks, before it fired this one.
    const early = (await create(payload)).json() as Schedule;
    await dueAgo(early.id);
    let pass = 0;
    const readThenDisable = createScheduler({
      schedules: {
        ...repo,
        async due(now, take) {
          const rows = await repo.due(now, take);
          if (pass++ === 0) expect((await disable(early.id)).statusCode).toBe(200);
          return rows.filter((r) => r.id === early.id);
        },
      },
      runs: t.services.runs,
      secrets: createSecretBox(TEST_SECRET_KEY),
    });
    readThenDisable.start();
    await until('a pass to read the due ticks', async () => (pass > 0 ? true : undefined));
    await readThenDisable.stop(); // waits for the pass in progress
    expect(await runsOf(early.id)).toEqual([]);
    expect(await schedule(early.id)).toMatchObject({ enabled: false, nextRunAt: null, lastFiredAt: null });

    // Disabled while the tick's run is being created: the run (of a tick due before the
    // edit) goes ahead and is the schedule's last run; the schedule stays disabled.
    const late = (await create(payload)).json() as Schedule;
    const due = await dueAgo(late.id);
    const disableDuringStart: RunsService = {
      ...t.services.runs,
      async start(...args) {
        expect((await disable(late.id)).statusCode).toBe(200);
        return t.services.runs.start(...args);
      },
    };
    const startThenDisable = createScheduler({
      schedules: {
        ...repo,
        due: async (now, take) => (await repo.due(now, take)).filter((r) => r.id === late.id),
      },
      runs: disableDuringStart,
      secrets: createSecretBox(TEST_SECRET_KEY),
    });
    startThenDisable.start();
    const fired = await until('the run to be recorded', async () => {
      const row = await schedule(late.id);
      return row.lastFiredAt ? row : undefined;
    });
    await startThenDisable.stop();
    const runs = await runsOf(late.id);
    expect(runs.map((r) => r.idempotencyKey)).toEqual([tickKey(late.id, due)]);
    expect(fired).toMatchObject({ enabled: false, nextRunAt: null, lastFiredAt: due.toISOString() });
    expect(fired.lastRun?.number).toBe(runs[0]?.number);
  });

  it('records a run refused at fire time on the schedule and keeps its ticks moving', async () => {
    const { id } = (
      await create({ cron: '* * * * *', timezone: 'UTC', releaseType: 'full', environment: 'dev' })
    ).json() as Schedule;
    // The pipeline's current spec becomes invalid after the schedule was saved.
    const pipeline = await t.db.prisma.pipelineSchedule.findUniqueOrThrow({
      where: { id },
      select: { pipelineId: true },
    });
    const current = await t.db.prisma.pipeline.findUniqueOrThrow({ where: { id: pipeline.pipelineId } });
    await t.db.prisma.pipelineRevision.updateMany({
      where: { pipelineId: current.id, number: current.currentRevision },
      data: { spec: 'stages: 42\n' },
    });
    const due = new Date(Date.now() - 5_000);
    await t.db.prisma.pipelineSchedule.update({ where: { id }, data: { nextRunAt: due } });
    t.scheduler.start();
    const fired = await until('the refusal to be recorded', async () => {
      const row = await schedule(id);
      return row.lastError ? row : undefined;
    });
    await t.scheduler.stop();
    await t.db.prisma.pipelineRevision.updateMany({
      where: { pipelineId: current.id, number: current.currentRevision },
      data: { spec: SPEC },
    });
    expect(fired.lastError).toMatch(/the run was refused/);
    expect(fired.lastFiredAt).toBe(due.toISOString());
    expect(new Date(fired.nextRunAt ?? 0).getTime()).toBeGreaterThan(due.getTime());
    expect(await runsOf(id)).toEqual([]);
  });

  it('with leader election only the leader fires, and a schedule saved through the other replica wakes it', async () => {
    // Nothing else enabled: the leader's scheduler sleeps its longest (60 s) after its first pass.
    await t.db.prisma.pipelineSchedule.updateMany({ data: { enabled: false } });
    const leading: string[] = [];
    const elect = (name: string, db: Database, app: SlipwayApp) =>
      db.electLeader(
        (lead) => {
          if (lead) {
            leading.push(name);
            app.scheduler.start();
          } else void app.scheduler.stop();
        },
        undefined,
        announcementHandler(app.scheduler, (runId) => app.engine.wake(runId)),
      );
    const first = elect('first', t.db, t);
    await until('the first replica to lead', async () => (leading.includes('first') ? true : undefined));
    const other = elect('second', secondDb, second);
    try {
      // Saved through the replica that does not lead (the same session works on both).
      const response = await second.app.inject({
        method: 'POST',
        url: SCHEDULES,
        payload: { cron: '* * * * * *', timezone: 'UTC', releaseType: 'full', environment: 'dev' },
        headers: { cookie: admin.cookie, [CSRF_HEADER]: admin.csrfToken },
      });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json() as Schedule;
      // Well under the leader's 60 s sleep: only the announcement can wake it this soon.
      await until(
        'the leader to fire the new schedule',
        async () => ((await runsOf(id)).length > 0 ? true : undefined),
        20_000,
      );
      await admin.request({ method: 'PATCH', url: `${SCHEDULES}/${id}`, payload: { enabled: false } });
      expect(leading).toEqual(['first']);
    } finally {
      await other.stop();
      await first.stop();
      await Promise.all([t.scheduler.stop(), second.scheduler.stop()]);
    }
  });
});

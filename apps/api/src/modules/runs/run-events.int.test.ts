import { RUN_EVENT_TYPES, RUN_STREAM_END, type Run, RunEventSchema } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { readStream, until } from '../../../test/wait.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/web/pipelines';

describe.skipIf(postgresSkipReason())('the run event stream', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let base: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'web');
    await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/acme/environments',
      payload: { name: 'dev' },
    });
    const spec = `stages:
  - name: s
    jobs:
      - name: talk
        image: alpine:3.22
        steps:
          - name: say
            run: for i in 1 2 3; do echo "line $i"; sleep 0.3; done
`;
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: 'chatty', spec },
    });
    expect(created.statusCode, created.body).toBe(201);
    const contract = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: {
        name: 'contract',
        spec: `stages:
  - name: approve
    approval: { role: operator, count: 1, allowSelfApproval: true }
  - name: build
    jobs:
      - name: flaky
        image: alpine:3.22
        retries: 1
        steps:
          - name: say
            run: printf 'one\\ntwo\\n'; exit 3
`,
      },
    });
    expect(contract.statusCode, contract.body).toBe(201);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Starts a run of the pipeline; returns it and the URL of its event stream. */
  async function startRun(pipeline: string): Promise<{ run: Run; url: string }> {
    const response = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/${pipeline}/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json() as Run;
    return { run, url: `${base}${PIPELINES}/${pipeline}/runs/${run.number}/events` };
  }

  it('streams status changes and log lines live, ends when the run has ended, and resumes from Last-Event-ID', async () => {
    const { run, url } = await startRun('chatty');
    const frames = await readStream(url, { cookie: admin.cookie });

    const statuses = frames.filter((f) => f.event === 'run').map((f) => JSON.parse(f.data).status);
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(frames.some((f) => f.event === 'job' && JSON.parse(f.data).status === 'succeeded')).toBe(true);
    const lines = frames
      .filter((f) => f.event === 'log')
      .flatMap((f) => JSON.parse(f.data).lines as string[]);
    expect(lines.filter((l) => l.startsWith('line '))).toEqual(['line 1', 'line 2', 'line 3']);
    expect(frames.at(-1)?.event).toBe('end');
    // Ids (`<event>-<chunk>`) only grow, and a client resuming with the last one it saw gets
    // exactly the rest. How events and log chunks interleave depends on when the live reader
    // fetched them (a busy machine fetches more at once), so the rest is compared kind by kind.
    const ids = frames.filter((f) => f.id).map((f) => f.id as string);
    const parts = ids.map((id) => id.split('-').map(BigInt) as [bigint, bigint]);
    parts.slice(1).forEach(([event, chunk], i) => {
      const [previousEvent, previousChunk] = parts[i] as [bigint, bigint];
      expect(
        event >= previousEvent && chunk >= previousChunk && (event > previousEvent || chunk > previousChunk),
      ).toBe(true);
    });
    const middle = frames.findIndex((f) => f.event === 'log');
    expect(middle).toBeGreaterThan(0);
    const resumed = await readStream(url, {
      cookie: admin.cookie,
      'last-event-id': String(frames[middle]?.id),
    });
    const byKind = (list: typeof frames) => {
      const kinds: Record<string, string[]> = {};
      for (const f of list) if (f.id) kinds[f.event] = [...(kinds[f.event] ?? []), f.data];
      return kinds;
    };
    expect(byKind(resumed)).toEqual(byKind(frames.slice(middle + 1)));
    expect(resumed.at(-1)?.event).toBe('end');

    // A run read now says where its stream stands: `after` starts there (nothing replayed).
    const now = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/chatty/runs/${run.number}` })
    ).json() as Run;
    expect(now.streamCursor).toBe(ids.at(-1));
    const fromNow = await readStream(`${url}?after=${now.streamCursor}`, { cookie: admin.cookie });
    expect(fromNow.map((f) => f.event)).toEqual(['end']);
    const bad = await fetch(`${url}?after=yesterday`, { headers: { cookie: admin.cookie } });
    expect(bad.status).toBe(400);
  });

  it('sends every event the API writes as a RunEvent of the contract (run, job with a retry, step, approval, log)', async () => {
    const { run, url } = await startRun('contract');
    const streamed = readStream(url, { cookie: admin.cookie });
    await until('the gate to open', async () => {
      const now = await admin.request({ method: 'GET', url: `${PIPELINES}/contract/runs/${run.number}` });
      return (now.json() as Run).status === 'waiting' ? true : undefined;
    });
    const decided = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/contract/runs/${run.number}/approvals/approve`,
      payload: { decision: 'approve' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const frames = await streamed;

    expect(frames.at(-1)).toEqual({ id: '', event: RUN_STREAM_END, data: '{}' });
    const events = frames.slice(0, -1).map((frame) => {
      const parsed = RunEventSchema.safeParse(JSON.parse(frame.data));
      expect(parsed.error, frame.data).toBeUndefined();
      expect(parsed.data?.type).toBe(frame.event);
      expect(frame.id).toMatch(/^\d+-\d+$/);
      return parsed.data;
    });
    expect(new Set(events.map((e) => e?.type))).toEqual(new Set(RUN_EVENT_TYPES));
    expect(events).toContainEqual({ type: 'approval', gate: 'approve', user: 'admin', decision: 'approve' });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'job',
        name: 'flaky',
        attempt: 2,
        status: 'pending',
        message: 'retry 1 of 1',
      }),
    );
    expect(
      events.filter((e) => e?.type === 'log').flatMap((e) => (e?.type === 'log' ? e.lines : [])),
    ).toEqual(expect.arrayContaining(['one', 'two']));
    const statuses = events.flatMap((e) => (e?.type === 'run' ? [e.status] : []));
    expect([statuses[0], statuses.at(-1)]).toEqual(['queued', 'failed']);
    expect(statuses).toContain('waiting');
    // Every stored event went out, each once.
    const dbRun = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number: run.number, pipeline: { name: 'contract' } },
    });
    const stored = await t.db.prisma.runEvent.count({ where: { runId: dbRun.id } });
    expect(events.filter((e) => e?.type !== 'log')).toHaveLength(stored);
  });

  it('refuses a stream to someone who cannot read the project', async () => {
    const response = await fetch(`${base}${PIPELINES}/chatty/runs/1/events`);
    expect(response.status).toBe(401);
  });
});

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
import { readStream } from '../../../test/wait.ts';

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
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('streams status changes and log lines live, ends when the run has ended, and resumes from Last-Event-ID', async () => {
    const run = (
      await admin.request({
        method: 'POST',
        url: `${PIPELINES}/chatty/runs`,
        payload: { releaseType: 'default', environment: 'dev' },
      })
    ).json() as Run;
    const url = `${base}${PIPELINES}/chatty/runs/${run.number}/events`;
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

  it('refuses a stream to someone who cannot read the project', async () => {
    const response = await fetch(`${base}${PIPELINES}/chatty/runs/1/events`);
    expect(response.status).toBe(401);
  });
});

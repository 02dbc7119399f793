// The run event stream's fan-out with viewers of different speeds, on the real archive: a
// viewer whose socket is full is paused (never written to until it drains), the others go
// on, and the paused one later gets every line exactly once, from the shared window or,
// once it fell out of it, from the archive a page at a time.
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
  until,
} from '../../../test/helper.ts';
import { createRunStreamHub, parseCursor, type StreamViewer } from './run-stream.ts';
import { createRunsRepo } from './runs.repo.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/fanout/pipelines';
const LINES = 100_000;

/** A viewer that records what it was sent; a paused one reports a full socket until released. */
function viewerOf(paused: boolean) {
  const frames: string[] = [];
  let releases: Array<() => void> = [];
  let writesWhileFull = 0;
  let full = false;
  const viewer: StreamViewer = {
    write(frame) {
      if (full) writesWhileFull += 1;
      frames.push(frame.toString());
      full = paused;
      return !paused;
    },
    drained: () =>
      new Promise<void>((resolve) => {
        releases.push(() => {
          full = false;
          resolve();
        });
      }),
    isClosed: () => false,
    close: () => undefined,
  };
  return {
    viewer,
    frames,
    writesWhileFull: () => writesWhileFull,
    /** Lets the socket drain once. */
    release() {
      const waiting = releases;
      releases = [];
      for (const resolve of waiting) resolve();
    },
    /** The log lines received, in order, and the frames' ids. */
    lines: () =>
      frames
        .filter((f) => f.includes('\nevent: log\n'))
        .flatMap((f) => JSON.parse(f.slice(f.indexOf('\ndata: ') + 7)).lines as string[]),
    ids: () => frames.map((f) => /^id: (\S+)\n/.exec(f)?.[1] ?? ''),
    /** The status events received (type and data), in a stable order. */
    events: () =>
      frames
        .filter((f) => !f.includes('\nevent: log\n'))
        .map((f) => f.slice(f.indexOf('\nevent: ') + 1))
        .sort(),
  };
}

describe.skipIf(postgresSkipReason())('run event stream fan-out', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let dir: string;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'fanout', 'local');
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-fanout-'));
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pauses a viewer whose socket is full while the others go on; it later gets every line once', async () => {
    const go = path.join(dir, 'go');
    const spec = `stages:\n  - name: s\n    jobs:\n      - name: j\n        image: alpine:3\n        steps:\n          - name: count\n            run: while [ ! -f ${go} ]; do sleep 0.05; done; seq 1 ${LINES}\n`;
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name: 'count', spec } });
    expect(created.statusCode, created.body).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/count/runs`,
      payload: { releaseType: 'default', environment: 'local' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { number } = started.json() as Run;
    const run = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number, pipeline: { name: 'count' } },
      select: { id: true },
    });
    const runs = createRunsRepo(t.db.prisma, t.db.sql);
    // A small window and page, so the log (~590 KB) overflows the window many times.
    const hub = createRunStreamHub({ runs, pollMs: 20, windowBytes: 64 * 1024, pageBytes: 16 * 1024 });
    try {
      const fast = viewerOf(false);
      const slow = viewerOf(true);
      await hub.subscribe(run.id, parseCursor(undefined), fast.viewer);
      await hub.subscribe(run.id, parseCursor(undefined), slow.viewer);
      await writeFile(go, '');
      await until('the run has ended and its log is archived', async () =>
        (await t.services.runs.isSettled(run.id)) ? true : undefined,
      );
      await hub.flush(run.id, fast.viewer);
      const expected = Array.from({ length: LINES }, (_, i) => String(i + 1));
      // The local executor's notice comes first.
      expect(fast.lines().slice(1)).toEqual(expected);
      // The paused viewer got one frame and nothing since: not buffered, not dropped.
      expect(slow.frames.length).toBeLessThanOrEqual(1);
      expect(slow.writesWhileFull()).toBe(0);
      let delivered = false;
      const flushed = hub.flush(run.id, slow.viewer).then(() => {
        delivered = true;
      });
      while (!delivered) {
        slow.release();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await flushed;
      expect(slow.writesWhileFull()).toBe(0);
      expect(slow.lines()).toEqual(fast.lines());
      // A viewer resuming from any frame's id (Last-Event-ID) gets exactly what followed it.
      for (const seen of [fast, slow]) {
        const at = Math.floor(seen.frames.length / 2);
        const resumed = viewerOf(false);
        await hub.subscribe(run.id, parseCursor(seen.ids()[at]), resumed.viewer);
        await hub.flush(run.id, resumed.viewer);
        const after = viewerOf(false);
        after.frames.push(...seen.frames.slice(at + 1));
        expect(resumed.lines()).toEqual(after.lines());
        expect(resumed.events()).toEqual(after.events());
      }
      // Every frame's id says what its viewer had got by then: ids only grow.
      for (const ids of [fast.ids(), slow.ids()]) {
        const cursors = ids.map((id) => parseCursor(id));
        for (let i = 1; i < cursors.length; i++) {
          const [before, after] = [cursors[i - 1], cursors[i]];
          expect(after && before && after.event >= before.event && after.chunk >= before.chunk).toBe(true);
        }
      }
    } finally {
      hub.close();
    }
  });

  it('pages the archive by bytes, not rows', async () => {
    const runs = createRunsRepo(t.db.prisma, t.db.sql);
    const [chunk] = await t.db.prisma.logChunk.findMany({ take: 1, select: { runId: true } });
    if (!chunk) throw new Error('the test before archives a log');
    const small = await runs.chunksAfter(chunk.runId, 0n, 1);
    expect(small).toHaveLength(1); // at least one chunk, however small the bound
    const all = await runs.chunksAfter(chunk.runId, 0n, Number.MAX_SAFE_INTEGER);
    expect(all.length).toBeGreaterThan(3);
    const sizes = all.map((c) => Buffer.byteLength(JSON.stringify(JSON.parse(c.data).lines)));
    const bound = (sizes[0] ?? 0) + (sizes[1] ?? 0) + 1;
    const page = await runs.chunksAfter(chunk.runId, 0n, bound);
    expect(page.length).toBeGreaterThanOrEqual(2);
    expect(page.length).toBeLessThan(all.length);
  });
});

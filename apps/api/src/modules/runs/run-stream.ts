import type { RunsRepo } from './runs.repo.ts';

/** Where a viewer stands in a run's two ordered feeds: status events and log chunks. */
export interface StreamCursor {
  event: bigint;
  chunk: bigint;
}

export function formatCursor(cursor: StreamCursor): string {
  return `${cursor.event}-${cursor.chunk}`;
}

/** A `Last-Event-ID` back into a cursor; anything else starts from the beginning. */
export function parseCursor(value: string | undefined): StreamCursor {
  const match = /^(\d{1,19})-(\d{1,19})$/.exec(value ?? '');
  return match ? { event: BigInt(match[1] ?? 0), chunk: BigInt(match[2] ?? 0) } : { event: 0n, chunk: 0n };
}

/** Frames are encoded once; every viewer's socket gets the same Buffer (no copy per viewer). */
type Write = (frame: Buffer) => void;
/** Rows read at a time: a page of log chunks is at most PAGE × 64 KiB in memory. */
const PAGE = 16;

interface Channel {
  cursor: StreamCursor;
  viewers: Set<Write>;
  fetching: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Fans a run's events and log lines out to any number of viewers: one reader per run
 * fetches what is new once, formats each frame once and hands the same string to every
 * viewer. New viewers first catch up from the archive (Last-Event-ID), a page at a time.
 * It polls while watched, so a replica that does not run the engine still streams.
 */
export function createRunStreamHub(deps: { runs: RunsRepo; pollMs?: number }) {
  const channels = new Map<string, Channel>();
  const pollMs = deps.pollMs ?? 1000;

  /** Frames after `from`, up to `until` when given; advances `from` as it goes. */
  async function readFrames(runId: string, from: StreamCursor, until?: StreamCursor): Promise<Buffer[]> {
    const frames: Buffer[] = [];
    for (;;) {
      const [events, chunks] = await Promise.all([
        deps.runs.eventsAfter(runId, from.event, PAGE),
        deps.runs.chunksAfter(runId, from.chunk, PAGE),
      ]);
      const wantedEvents = until ? events.filter((e) => e.id <= until.event) : events;
      const wantedChunks = until ? chunks.filter((c) => c.id <= until.chunk) : chunks;
      for (const event of wantedEvents) {
        from.event = event.id;
        frames.push(frame(from, event.type, JSON.stringify(event.data)));
      }
      for (const chunk of wantedChunks) {
        from.chunk = chunk.id;
        const data = {
          stage: chunk.stepRun.jobRun.stage,
          job: chunk.stepRun.jobRun.name,
          attempt: chunk.stepRun.jobRun.attempt,
          step: chunk.stepRun.index,
          firstLine: chunk.firstLine,
          lines: chunk.content.split('\n'),
        };
        frames.push(frame(from, 'log', JSON.stringify(data)));
      }
      const moreEvents = events.length === PAGE && wantedEvents.length === PAGE;
      const moreChunks = chunks.length === PAGE && wantedChunks.length === PAGE;
      if (!moreEvents && !moreChunks) return frames;
    }
  }

  function frame(cursor: StreamCursor, type: string, data: string): Buffer {
    return Buffer.from(`id: ${formatCursor(cursor)}\nevent: ${type}\ndata: ${data}\n\n`);
  }

  function fetchNew(runId: string, channel: Channel) {
    if (channel.fetching) {
      channel.again = true;
      return;
    }
    channel.fetching = readFrames(runId, channel.cursor)
      .then((frames) => {
        for (const text of frames) for (const write of channel.viewers) write(text);
      })
      .catch(() => undefined)
      .finally(() => {
        channel.fetching = undefined;
        if (channel.again) {
          channel.again = false;
          fetchNew(runId, channel);
        }
      });
  }

  return {
    async subscribe(runId: string, from: StreamCursor, write: Write): Promise<() => void> {
      let channel = channels.get(runId);
      if (!channel) {
        const created: Channel = {
          cursor: await deps.runs.latestIds(runId),
          viewers: new Set(),
          fetching: undefined,
          again: false,
          timer: undefined,
        };
        created.timer = setInterval(() => fetchNew(runId, created), pollMs);
        channels.set(runId, created);
        channel = created;
      }
      // Live frames that arrive while catching up wait in a buffer, then follow in order.
      const buffered: Buffer[] = [];
      let live = false;
      const viewer: Write = (text) => (live ? write(text) : buffered.push(text));
      channel.viewers.add(viewer);
      const snapshot = { ...channel.cursor };
      for (const text of await readFrames(runId, { ...from }, snapshot)) write(text);
      for (const text of buffered) write(text);
      live = true;
      const current = channel;
      return () => {
        current.viewers.delete(viewer);
        if (current.viewers.size === 0) {
          clearInterval(current.timer);
          channels.delete(runId);
        }
      };
    },

    /** Something of the run changed: fetch it now for the viewers. */
    notify(runId: string): void {
      const channel = channels.get(runId);
      if (channel) fetchNew(runId, channel);
    },

    viewerCount(runId: string): number {
      return channels.get(runId)?.viewers.size ?? 0;
    },

    close(): void {
      for (const channel of channels.values()) clearInterval(channel.timer);
      channels.clear();
    },
  };
}

export type RunStreamHub = ReturnType<typeof createRunStreamHub>;

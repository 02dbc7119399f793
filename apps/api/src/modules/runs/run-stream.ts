import { type RunEventOf, storedRunEvent } from '@slipway/contracts';
import { sseFrame } from '../../lib/sse.ts';
import type { RunsRepo } from './runs.repo.ts';
import { linesOf } from './step-logs.ts';

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

/**
 * One viewer's connection. Frames are encoded once; every viewer's socket gets the same
 * Buffer (no copy per viewer). `write` returns false when the socket's buffer is full.
 */
export interface StreamViewer {
  write(frame: Buffer): boolean;
  /** Resolves when the socket can take more (or is closed). */
  drained(): Promise<void>;
  isClosed(): boolean;
  /** Ends the connection (the client resumes with Last-Event-ID). */
  close(): void;
}

/** Live frames held for a viewer while it catches up; more and it is asked to reconnect. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

/** Rows read at a time: a page of log chunks is at most PAGE × 64 KiB in memory. */
const PAGE = 16;

interface Channel {
  cursor: StreamCursor;
  live: Set<(frame: Buffer) => void>;
  fetching: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Fans a run's events and log lines out to any number of viewers: one reader per run
 * fetches what is new once, formats each frame once and hands the same Buffer to every
 * viewer. New viewers first catch up from the archive (Last-Event-ID) a page at a time,
 * waiting for their socket to drain, so no log is ever held whole in memory. It polls
 * while watched, so a replica that does not run the engine still streams.
 */
export function createRunStreamHub(deps: { runs: RunsRepo; pollMs?: number }) {
  const channels = new Map<string, Channel>();
  const pollMs = deps.pollMs ?? 1000;

  /** A frame of the stream: the event as JSON (its `type` included), the cursor as its id. */
  function frame(cursor: StreamCursor, type: string, event: unknown): Buffer {
    return sseFrame(formatCursor(cursor), type, JSON.stringify(event));
  }

  /** Pages of frames after `from`, up to `until` when given; advances `from` as it goes. */
  async function* framePages(
    runId: string,
    from: StreamCursor,
    until?: StreamCursor,
  ): AsyncGenerator<Buffer[]> {
    for (;;) {
      const [events, chunks] = await Promise.all([
        deps.runs.eventsAfter(runId, from.event, PAGE),
        deps.runs.chunksAfter(runId, from.chunk, PAGE),
      ]);
      const wantedEvents = until ? events.filter((e) => e.id <= until.event) : events;
      const wantedChunks = until ? chunks.filter((c) => c.id <= until.chunk) : chunks;
      const frames: Buffer[] = [];
      for (const event of wantedEvents) {
        from.event = event.id;
        frames.push(frame(from, event.type, storedRunEvent(event.type, event.data)));
      }
      for (const chunk of wantedChunks) {
        from.chunk = chunk.id;
        const log: RunEventOf<'log'> = {
          type: 'log',
          stage: chunk.stepRun.jobRun.stage,
          job: chunk.stepRun.jobRun.name,
          attempt: chunk.stepRun.jobRun.attempt,
          step: chunk.stepRun.index,
          firstLine: chunk.firstLine,
          lines: linesOf(chunk),
        };
        frames.push(frame(from, log.type, log));
      }
      if (frames.length > 0) yield frames;
      const moreEvents = events.length === PAGE && wantedEvents.length === PAGE;
      const moreChunks = chunks.length === PAGE && wantedChunks.length === PAGE;
      if (!moreEvents && !moreChunks) return;
    }
  }

  function fetchNew(runId: string, channel: Channel) {
    if (channel.fetching) {
      channel.again = true;
      return;
    }
    channel.fetching = (async () => {
      for await (const frames of framePages(runId, channel.cursor)) {
        for (const text of frames) for (const deliver of channel.live) deliver(text);
      }
    })()
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
    /**
     * Streams the run to a viewer from `from` on. Live frames that arrive while it catches
     * up wait (bounded by the caller's drop rule), then follow in order. Returns the
     * function that stops it.
     */
    async subscribe(runId: string, from: StreamCursor, viewer: StreamViewer): Promise<() => void> {
      let channel = channels.get(runId);
      if (!channel) {
        const created: Channel = {
          cursor: await deps.runs.latestIds(runId),
          live: new Set(),
          fetching: undefined,
          again: false,
          timer: undefined,
        };
        created.timer = setInterval(() => fetchNew(runId, created), pollMs);
        channels.set(runId, created);
        channel = created;
      }
      let held: Buffer[] = [];
      let heldBytes = 0;
      let overflowed = false;
      let caughtUp = false;
      const deliver = (text: Buffer) => {
        if (caughtUp) viewer.write(text);
        else if (!overflowed && heldBytes + text.length <= MAX_HELD_BYTES) {
          held.push(text);
          heldBytes += text.length;
        } else {
          overflowed = true;
          held = [];
        }
      };
      channel.live.add(deliver);
      const current = channel;
      const unsubscribe = () => {
        current.live.delete(deliver);
        if (current.live.size === 0) {
          clearInterval(current.timer);
          channels.delete(runId);
        }
      };
      const snapshot = { ...channel.cursor };
      for await (const frames of framePages(runId, { ...from }, snapshot)) {
        for (const text of frames) {
          if (viewer.isClosed()) return unsubscribe;
          if (!viewer.write(text)) await viewer.drained();
        }
      }
      if (overflowed) {
        // Too much happened while it caught up: it reconnects from where it got to.
        viewer.close();
        return unsubscribe;
      }
      for (const text of held) viewer.write(text);
      held = [];
      caughtUp = true;
      return unsubscribe;
    },

    /** Something of the run changed: fetch it now for the viewers. */
    notify(runId: string): void {
      const channel = channels.get(runId);
      if (channel) fetchNew(runId, channel);
    },

    /** Resolves once every archived event and chunk of the run went out to the live viewers. */
    async flush(runId: string): Promise<void> {
      const channel = channels.get(runId);
      if (!channel) return;
      for (let attempt = 0; attempt < 100; attempt++) {
        const latest = await deps.runs.latestIds(runId);
        const delivered = channel.cursor.event >= latest.event && channel.cursor.chunk >= latest.chunk;
        if (delivered && !channel.fetching) return;
        if (!channel.fetching) fetchNew(runId, channel);
        await channel.fetching;
      }
    },

    close(): void {
      for (const channel of channels.values()) clearInterval(channel.timer);
      channels.clear();
    },
  };
}

export type RunStreamHub = ReturnType<typeof createRunStreamHub>;

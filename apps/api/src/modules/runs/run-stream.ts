import { storedRunEvent } from '@slipway/contracts';
import { sseFrame } from '../../lib/sse.ts';
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

/**
 * One viewer's connection. Frames are encoded once; every viewer's socket gets the same
 * Buffer (no copy per viewer). `write` returns false when the socket's buffer is full:
 * nothing more is written to it until `drained()` resolves.
 */
export interface StreamViewer {
  write(frame: Buffer): boolean;
  /** Resolves when the socket can take more (or is closed). */
  drained(): Promise<void>;
  isClosed(): boolean;
  /** Ends the connection (the client resumes with Last-Event-ID). */
  close(): void;
}

/**
 * Recent frames of a run kept for its viewers (shared by all of them): a viewer less than
 * this far behind the newest frame is served from memory, one further behind reads the
 * archive itself, a page at a time, at the pace of its socket.
 */
export const WINDOW_BYTES = 8 * 1024 * 1024;

/** Log text read from the archive at a time (at least one chunk). */
export const PAGE_BYTES = 256 * 1024;

/** Events read at a time (they are small). */
const EVENT_PAGE = 64;

/** A frame and where a viewer stands once it has it (which feed it is in, and its id). */
interface Frame {
  buffer: Buffer;
  feed: 'event' | 'chunk';
  id: bigint;
}

/** A viewer of a run: where it stands, and the wake-up it waits for at the newest frame. */
interface Follower {
  at: StreamCursor;
  /** Sequence number (in the channel's window) of the next frame to send, when following it. */
  next: number | undefined;
  wake: (() => void) | undefined;
  viewer: StreamViewer;
}

interface Channel {
  runId: string;
  /** What the channel's reader has read up to. */
  cursor: StreamCursor;
  /** Recent frames, oldest first; `window[0]` has sequence number `first`. */
  window: Frame[];
  first: number;
  windowBytes: number;
  /** Where a viewer stands before `window[0]`. */
  start: StreamCursor;
  followers: Set<Follower>;
  /** Called whenever a viewer got a frame or left (see `flush`). */
  progress: Set<() => void>;
  fetching: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
}

const covers = (at: StreamCursor, frame: Frame) => (frame.feed === 'event' ? at.event : at.chunk) >= frame.id;
const advance = (at: StreamCursor, frame: Frame) => {
  if (frame.feed === 'event') at.event = frame.id;
  else at.chunk = frame.id;
};

/**
 * Fans a run's events and log lines out to any number of viewers with bounded memory,
 * whatever the log's size and the number of viewers: one reader per run fetches what is new
 * once, formats each frame once into a shared window of recent frames (WINDOW_BYTES), and
 * every viewer sends from it at the pace of its own socket (it is never written to while its
 * buffer is full). A viewer that falls out of the window (or joins with an older
 * Last-Event-ID) reads the archive a page (PAGE_BYTES) at a time, then joins the window
 * again. The reader reads ahead only while a viewer waits for new frames. It polls while
 * watched, so a replica that does not run the engine still streams.
 */
export function createRunStreamHub(deps: {
  runs: RunsRepo;
  pollMs?: number;
  /** Bounds of the shared window and of an archive page (defaults WINDOW_BYTES, PAGE_BYTES). */
  windowBytes?: number;
  pageBytes?: number;
}) {
  const channels = new Map<string, Channel>();
  const pollMs = deps.pollMs ?? 1000;
  const windowBytes = deps.windowBytes ?? WINDOW_BYTES;
  const pageBytes = deps.pageBytes ?? PAGE_BYTES;

  /** A frame of the stream: the event as JSON (its `type` included), the cursor as its id. */
  function frame(feed: Frame['feed'], id: bigint, at: StreamCursor, type: string, data: string): Frame {
    return { feed, id, buffer: sseFrame(formatCursor(at), type, data) };
  }

  /**
   * One page of frames after `from` (advancing it), none past `until` when given (each
   * frame's id then says exactly what a viewer has once it has the frame); empty when
   * nothing is archived after it.
   */
  async function readPage(runId: string, from: StreamCursor, until?: StreamCursor): Promise<Frame[]> {
    const [allEvents, allChunks] = await Promise.all([
      deps.runs.eventsAfter(runId, from.event, EVENT_PAGE),
      deps.runs.chunksAfter(runId, from.chunk, pageBytes),
    ]);
    const events = until ? allEvents.filter((e) => e.id <= until.event) : allEvents;
    const chunks = until ? allChunks.filter((c) => c.id <= until.chunk) : allChunks;
    const frames: Frame[] = [];
    for (const event of events) {
      from.event = event.id;
      frames.push(
        frame('event', event.id, from, event.type, JSON.stringify(storedRunEvent(event.type, event.data))),
      );
    }
    for (const chunk of chunks) {
      from.chunk = chunk.id;
      frames.push(frame('chunk', chunk.id, from, 'log', chunk.data));
    }
    return frames;
  }

  /** Adds frames to the window (dropping the oldest past WINDOW_BYTES) and wakes the waiting viewers. */
  function append(channel: Channel, frames: readonly Frame[]) {
    for (const added of frames) {
      channel.window.push(added);
      channel.windowBytes += added.buffer.length;
    }
    while (channel.windowBytes > windowBytes && channel.window.length > 1) {
      const dropped = channel.window.shift();
      if (!dropped) break;
      channel.first += 1;
      channel.windowBytes -= dropped.buffer.length;
      advance(channel.start, dropped);
    }
    for (const follower of channel.followers) {
      const wake = follower.wake;
      follower.wake = undefined;
      wake?.();
    }
  }

  const waiting = (channel: Channel) => [...channel.followers].some((f) => f.wake !== undefined);

  /** Reads what is new for the viewers, a page at a time while one of them waits for it. */
  function fetchNew(channel: Channel) {
    if (channel.fetching) {
      channel.again = true;
      return;
    }
    channel.fetching = (async () => {
      while (waiting(channel)) {
        const frames = await readPage(channel.runId, channel.cursor);
        if (frames.length === 0) return;
        append(channel, frames);
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        channel.fetching = undefined;
        if (channel.again) {
          channel.again = false;
          fetchNew(channel);
        }
      });
  }

  /** Writes a frame the viewer does not have yet; resolves once its socket can take more. */
  async function send(channel: Channel, follower: Follower, sent: Frame): Promise<void> {
    if (covers(follower.at, sent)) return;
    advance(follower.at, sent);
    const more = follower.viewer.write(sent.buffer);
    for (const progressed of channel.progress) progressed();
    if (!more) await follower.viewer.drained();
  }

  /** Serves one viewer until its connection closes. */
  async function serve(channel: Channel, follower: Follower): Promise<void> {
    const { viewer } = follower;
    while (!viewer.isClosed() && channel.followers.has(follower)) {
      const { start } = channel;
      if (follower.next === undefined || follower.next < channel.first) {
        // Not in the window (yet, or any more): join it if the viewer has everything before
        // it, or read the next page from the archive.
        if (follower.at.event >= start.event && follower.at.chunk >= start.chunk) {
          follower.next = channel.first;
          continue;
        }
        follower.next = undefined;
        // Never past what the channel has read: a frame's id then always says what its
        // viewer has, whichever way the frame came.
        const page = await readPage(channel.runId, { ...follower.at }, { ...channel.cursor });
        if (page.length === 0) {
          // Nothing archived before the window's start any more (the run was deleted).
          follower.at = { event: start.event, chunk: start.chunk };
          continue;
        }
        for (const sent of page) {
          if (viewer.isClosed()) return;
          await send(channel, follower, sent);
        }
        continue;
      }
      const sent = channel.window[follower.next - channel.first];
      if (sent) {
        follower.next += 1;
        await send(channel, follower, sent);
        continue;
      }
      // At the newest frame: wait for more (fetched now, or on the next notify or poll).
      await new Promise<void>((resolve) => {
        follower.wake = resolve;
        fetchNew(channel);
      });
    }
  }

  return {
    /**
     * Streams the run to a viewer from `from` on, in order, each frame once (events and log
     * lines archived after `from`, then new ones as they come). Returns at once with the
     * function that stops it; a closed viewer stops by itself.
     */
    async subscribe(runId: string, from: StreamCursor, viewer: StreamViewer): Promise<() => void> {
      let channel = channels.get(runId);
      if (!channel) {
        const cursor = await deps.runs.latestIds(runId);
        channel = channels.get(runId);
        if (!channel) {
          const created: Channel = {
            runId,
            cursor,
            window: [],
            first: 0,
            windowBytes: 0,
            start: { ...cursor },
            followers: new Set(),
            progress: new Set(),
            fetching: undefined,
            again: false,
            timer: undefined,
          };
          created.timer = setInterval(() => fetchNew(created), pollMs);
          channels.set(runId, created);
          channel = created;
        }
      }
      const follower: Follower = { at: { ...from }, next: undefined, wake: undefined, viewer };
      channel.followers.add(follower);
      const current = channel;
      const unsubscribe = () => {
        current.followers.delete(follower);
        follower.wake?.();
        for (const progressed of current.progress) progressed();
        if (current.followers.size === 0 && channels.get(runId) === current) {
          clearInterval(current.timer);
          channels.delete(runId);
        }
      };
      void serve(current, follower)
        .catch(() => viewer.close())
        .finally(unsubscribe);
      return unsubscribe;
    },

    /** Something of the run changed: fetch it now for the viewers waiting for it. */
    notify(runId: string): void {
      const channel = channels.get(runId);
      if (channel) fetchNew(channel);
    },

    /**
     * Resolves once every event and chunk archived now went out to the run's viewers (to
     * `viewer` only, when given), or they closed.
     */
    async flush(runId: string, viewer?: StreamViewer): Promise<void> {
      const latest = await deps.runs.latestIds(runId);
      const channel = channels.get(runId);
      if (!channel) return;
      const delivered = () =>
        [...channel.followers].every(
          (f) =>
            (viewer && f.viewer !== viewer) ||
            f.viewer.isClosed() ||
            (f.at.event >= latest.event && f.at.chunk >= latest.chunk),
        );
      await new Promise<void>((resolve) => {
        const check = () => {
          if (!delivered()) return;
          channel.progress.delete(check);
          resolve();
        };
        channel.progress.add(check);
        check();
        fetchNew(channel);
      });
    },

    close(): void {
      for (const channel of channels.values()) {
        clearInterval(channel.timer);
        for (const follower of channel.followers) follower.wake?.();
        channel.followers.clear();
      }
      channels.clear();
    },
  };
}

export type RunStreamHub = ReturnType<typeof createRunStreamHub>;

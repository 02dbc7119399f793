// Waiting for what the API serves in the int tests: a state polled for, an SSE stream read to its end.
import { createParser } from 'eventsource-parser';
import { expect } from 'vitest';

/** One Server-Sent Events frame: its id (empty when it has none), event type and data. */
export interface Frame {
  id: string;
  event: string;
  data: string;
}

/** Reads a Server-Sent Events response until it ends (or `stopWhen` says so). */
export async function readStream(
  url: string,
  headers: Record<string, string>,
  stopWhen: (frames: Frame[]) => boolean = () => false,
): Promise<Frame[]> {
  const response = await fetch(url, { headers });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  // A spec-following parser (WHATWG "Server-sent events"): multi-line data joined with LF.
  const parser = createParser({
    onEvent: (e) => {
      if (e.event) frames.push({ id: e.id ?? '', event: e.event, data: e.data });
    },
  });
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    parser.feed(decoder.decode(chunk.value, { stream: true }));
    if (stopWhen(frames)) {
      await reader?.cancel();
      break;
    }
  }
  return frames;
}

/**
 * Polls `probe` until it returns a value (every 100 ms; fails after `timeoutMs`, generous
 * because CI shares two cores and runs take longer there).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

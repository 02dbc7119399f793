// Server-Sent Events, written the one way every endpoint of the API writes them.
// The format is the WHATWG HTML Standard's "Server-sent events", §9.2.5 "Parsing an event
// stream" and §9.2.6 "Interpreting an event stream":
// https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
import type { ServerResponse } from 'node:http';

/**
 * Response headers of an event stream: the spec's MIME type (`text/event-stream`, UTF-8
 * always), no caching and no transformation by proxies (a cached or recompressed stream
 * would arrive late or whole), and `X-Accel-Buffering: no` so nginx-style reverse proxies
 * pass each frame on at once instead of buffering the response.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** A line end of the event stream: CRLF, LF or CR alone all end a line (spec §9.2.5). */
const LINE_END = /\r\n|\r|\n/;

/** Refuses a field value a line end would cut short (and, for `id`, a NUL the client ignores). */
function checkField(name: 'id' | 'event', value: string): void {
  if (/[\r\n]/.test(value) || (name === 'id' && value.includes('\0'))) {
    throw new TypeError(`SSE ${name} must be one line without NUL: ${JSON.stringify(value)}`);
  }
  if (name === 'event' && value === '') throw new TypeError('SSE event type must not be empty');
}

/**
 * One event of the stream, encoded once (send the same Buffer to every viewer).
 *
 * - `id` (or null for none) becomes the client's last event ID, sent back as
 *   `Last-Event-ID` when it reconnects.
 * - `type` is the `event:` name a client listens for (`addEventListener(type, …)`).
 * - `data` is text: each of its lines (split at CRLF, LF or CR, as the client splits them)
 *   goes on a `data:` line of its own, and the client joins them back with LF. So data can
 *   never start another field or event (no injection through a CR or LF in it); a CRLF or
 *   a CR in it arrives as LF. JSON text (`JSON.stringify` without indentation) is one line.
 *
 * Throws a TypeError for an `id` or `type` with a line end (or an `id` with NUL), or an
 * empty `type`: those are programming errors, never user input.
 */
export function sseFrame(id: string | null, type: string, data: string): Buffer {
  if (id !== null) checkField('id', id);
  checkField('event', type);
  const head = `${id === null ? '' : `id: ${id}\n`}event: ${type}\ndata: `;
  if (!LINE_END.test(data)) {
    // One line (JSON): the bytes are written straight from the parts, so a large log frame
    // is not copied into a joined string first.
    const headBytes = Buffer.byteLength(head);
    const dataBytes = Buffer.byteLength(data);
    const buffer = Buffer.allocUnsafe(headBytes + dataBytes + 2);
    buffer.write(head, 0);
    buffer.write(data, headBytes);
    buffer.write('\n\n', headBytes + dataBytes);
    return buffer;
  }
  return Buffer.from(`${head}${data.split(LINE_END).join('\ndata: ')}\n\n`);
}

/**
 * A comment line (`: text`): clients ignore it, so it keeps an idle connection (and any
 * proxy's idle timer) alive. Line ends in `text` become spaces.
 */
export function sseComment(text: string): Buffer {
  return Buffer.from(`: ${text.replace(/\r\n|\r|\n/g, ' ')}\n\n`);
}

/** Tells the client how long to wait before reconnecting after the connection drops (ms). */
export function sseRetry(ms: number): Buffer {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new TypeError(`SSE retry must be whole milliseconds ≥ 0: ${ms}`);
  return Buffer.from(`retry: ${ms}\n\n`);
}

/** The heartbeat every open stream writes while idle. */
export const SSE_HEARTBEAT = sseComment('keep-alive');

/**
 * Starts an event stream on a raw response: writes the status and {@link SSE_HEADERS}
 * (plus `headers`), the reconnection hint `retryMs`, then a heartbeat comment every
 * `heartbeatMs`. Returns the function that stops the heartbeat (call it when the stream
 * ends; ending the response is the caller's).
 */
export function openEventStream(
  raw: ServerResponse,
  options: { retryMs: number; heartbeatMs: number; headers?: Record<string, string> },
): () => void {
  raw.writeHead(200, { ...SSE_HEADERS, ...options.headers });
  raw.write(sseRetry(options.retryMs));
  const heartbeat = setInterval(() => {
    if (!raw.writableEnded) raw.write(SSE_HEARTBEAT);
  }, options.heartbeatMs);
  return () => clearInterval(heartbeat);
}

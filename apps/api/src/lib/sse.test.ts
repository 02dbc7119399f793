import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { openEventStream, SSE_HEARTBEAT, sseComment, sseFrame, sseRetry } from './sse.ts';

/** What a spec-following client (eventsource-parser) reads from the bytes. */
function read(...frames: Buffer[]) {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (r) => retries.push(r),
  });
  for (const frame of frames) parser.feed(frame.toString('utf8'));
  return { events, comments, retries };
}

// WHATWG HTML Standard, "Server-sent events" §9.2.5–9.2.6: lines end in CRLF, LF or CR;
// each `data:` line adds its value plus LF to the data buffer and the final LF is dropped.
describe('sseFrame', () => {
  it('writes id, event and one data line, and ends the event with a blank line', () => {
    expect(sseFrame('12-3', 'run', '{"status":"queued"}').toString()).toBe(
      'id: 12-3\nevent: run\ndata: {"status":"queued"}\n\n',
    );
    expect(sseFrame(null, 'end', '{}').toString()).toBe('event: end\ndata: {}\n\n');
    expect(read(sseFrame('12-3', 'run', '{"status":"queued"}')).events).toEqual([
      { id: '12-3', event: 'run', data: '{"status":"queued"}' },
    ]);
  });

  it('splits multi-line data into one data line each, which the client joins back with LF', () => {
    expect(sseFrame('1', 'log', 'a\nb\n\nc').toString()).toBe(
      'id: 1\nevent: log\ndata: a\ndata: b\ndata: \ndata: c\n\n',
    );
    expect(read(sseFrame('1', 'log', 'a\nb\n\nc')).events[0]?.data).toBe('a\nb\n\nc');
    expect(read(sseFrame('1', 'log', '')).events[0]?.data).toBe('');
    expect(read(sseFrame('1', 'log', 'trailing\n')).events[0]?.data).toBe('trailing\n');
    // Only the one space after the colon is the separator: leading spaces of a line stay.
    expect(read(sseFrame('1', 'log', '  indented\n:colon')).events[0]?.data).toBe('  indented\n:colon');
  });

  it('treats CR and CRLF in data as line ends, so data can never start a field or an event', () => {
    const injected = 'x\r\nid: 999\rretry: 1\revent: end\r\rdata: forged\r\n\r\n';
    const frame = sseFrame('7', 'log', injected);
    expect(frame.toString()).not.toMatch(/\r/);
    const { events, retries } = read(frame, sseFrame('8', 'run', 'next'));
    expect(events).toEqual([
      { id: '7', event: 'log', data: 'x\nid: 999\nretry: 1\nevent: end\n\ndata: forged\n\n' },
      { id: '8', event: 'run', data: 'next' },
    ]);
    expect(retries).toEqual([]);
  });

  it('refuses an id or event type that would break the frame', () => {
    expect(() => sseFrame('1\n2', 'run', '')).toThrow(TypeError);
    expect(() => sseFrame('1\r', 'run', '')).toThrow(TypeError);
    expect(() => sseFrame('1\0', 'run', '')).toThrow(TypeError);
    expect(() => sseFrame('1', 'run\nevent: end', '')).toThrow(TypeError);
    expect(() => sseFrame('1', '', '')).toThrow(TypeError);
  });

  it('keeps UTF-8 text intact', () => {
    expect(read(sseFrame('1', 'log', 'naïve → ✓ 😀')).events[0]?.data).toBe('naïve → ✓ 😀');
  });
});

describe('sseComment, sseRetry', () => {
  it('writes a comment the client ignores and a reconnection delay it takes', () => {
    expect(SSE_HEARTBEAT.toString()).toBe(': keep-alive\n\n');
    const { events, comments, retries } = read(
      sseRetry(2000),
      sseComment('a\nb'),
      SSE_HEARTBEAT,
      sseFrame('1', 'run', 'x'),
    );
    expect(retries).toEqual([2000]);
    expect(comments).toEqual(['a b', 'keep-alive']);
    expect(events).toEqual([{ id: '1', event: 'run', data: 'x' }]);
  });

  it('refuses a delay that is not whole milliseconds', () => {
    expect(() => sseRetry(1.5)).toThrow(TypeError);
    expect(() => sseRetry(-1)).toThrow(TypeError);
  });
});

describe('openEventStream', () => {
  it('sends the stream headers, the retry hint, then heartbeats until stopped', async () => {
    let stop: (() => void) | undefined;
    const server = createServer((_req, res) => {
      stop = openEventStream(res, { retryMs: 1500, heartbeatMs: 10, headers: { 'x-request-id': 'r1' } });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      expect(response.headers.get('x-request-id')).toBe('r1');
      const reader = response.body?.getReader();
      let text = '';
      while (!text.includes(': keep-alive\n\n: keep-alive\n\n')) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += Buffer.from(chunk.value).toString();
      }
      expect(text.startsWith('retry: 1500\n\n: keep-alive\n\n')).toBe(true);
      await reader?.cancel();
    } finally {
      stop?.();
      server.closeAllConnections();
      server.close();
    }
  });
});

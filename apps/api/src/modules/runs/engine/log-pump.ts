import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** A chunk is written when it holds this much text, or after FLUSH_INTERVAL_MS. */
export const CHUNK_BYTES = 64 * 1024;
const FLUSH_INTERVAL_MS = 250;

export interface LogChunkToWrite {
  seq: number;
  firstLine: number;
  lineCount: number;
  content: string;
  /** Raw bytes of the stream this chunk covers (a resumed stream skips them). */
  bytes: number;
}

/** Replaces every secret value in a line by `***`. */
export function maskSecrets(line: string, secrets: readonly string[]): string {
  let masked = line;
  for (const secret of secrets) if (secret.length >= 3) masked = masked.split(secret).join('***');
  return masked;
}

/**
 * Archives one step's log stream in bounded chunks, in order, as it arrives: at most one
 * chunk (plus one partial line, itself bounded) is held in memory, whatever the log's size.
 */
export async function pumpLog(options: {
  stream: Readable;
  /** Where the archive stands: the next chunk's sequence number and line number. */
  nextSeq: number;
  nextLine: number;
  secrets: readonly string[];
  write: (chunk: LogChunkToWrite) => Promise<void>;
  signal?: AbortSignal;
}): Promise<void> {
  const { stream, secrets, write } = options;
  const decoder = new StringDecoder('utf8');
  let seq = options.nextSeq;
  let nextLine = options.nextLine;
  let lines: string[] = [];
  let pendingText = 0;
  let pendingBytes = 0;
  let partial = '';
  let lastFlush = Date.now();

  async function flush() {
    if (lines.length === 0) return;
    const chunk: LogChunkToWrite = {
      seq,
      firstLine: nextLine,
      lineCount: lines.length,
      content: lines.join('\n'),
      bytes: pendingBytes,
    };
    seq += 1;
    nextLine += lines.length;
    lines = [];
    pendingText = 0;
    pendingBytes = 0;
    lastFlush = Date.now();
    await write(chunk);
  }

  function addLine(text: string, bytes: number) {
    const line = maskSecrets(text.endsWith('\r') ? text.slice(0, -1) : text, secrets);
    lines.push(line);
    pendingText += line.length + 1;
    pendingBytes += bytes;
  }

  // Writes happen one after another (chunk order = archive order), and a quiet stream
  // still gets its last lines archived within FLUSH_INTERVAL_MS.
  let chain = Promise.resolve();
  const flushInOrder = () => {
    chain = chain.then(flush);
    return chain;
  };
  const timer = setInterval(() => {
    if (lines.length > 0 && Date.now() - lastFlush >= FLUSH_INTERVAL_MS)
      void flushInOrder().catch(() => undefined);
  }, FLUSH_INTERVAL_MS);
  const abort = () => stream.destroy();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const data of stream) {
      const buffer = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
      // Bytes are counted from the decoded text (UTF-8 re-encoded): a character split
      // across reads is held by the decoder and counted once, with its line.
      let text = decoder.write(buffer);
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        const line = partial + text.slice(0, newline);
        addLine(line, Buffer.byteLength(line) + 1);
        partial = '';
        text = text.slice(newline + 1);
        newline = text.indexOf('\n');
      }
      partial += text;
      // A very long line without an end is archived in bounded pieces rather than held.
      while (partial.length > CHUNK_BYTES) {
        let cut = CHUNK_BYTES;
        const code = partial.charCodeAt(cut - 1);
        if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair together
        const piece = partial.slice(0, cut);
        addLine(piece, Buffer.byteLength(piece));
        partial = partial.slice(cut);
        if (pendingText >= CHUNK_BYTES) await flushInOrder();
      }
      if (pendingText >= CHUNK_BYTES || Date.now() - lastFlush >= FLUSH_INTERVAL_MS) await flushInOrder();
    }
  } catch (error) {
    // Stopping a stream on purpose ends it early; anything else is a real failure.
    if (!options.signal?.aborted) throw error;
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', abort);
  }
  if (!options.signal?.aborted) {
    const rest = partial + decoder.end();
    if (rest.length > 0) addLine(rest, Buffer.byteLength(rest));
  }
  await flushInOrder();
}

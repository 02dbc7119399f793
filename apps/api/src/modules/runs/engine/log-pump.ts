import type { Readable } from 'node:stream';
import { findSecrets, maskBytes, secretPatterns } from './log-masking.ts';
import { characterBoundary, isPlainText, logText } from './log-text.ts';

/**
 * A chunk is closed when it holds this many bytes of output (a piece of a longer line
 * may add its line's CR LF), or when a batch is written (see FLUSH_INTERVAL_MS).
 */
export const CHUNK_BYTES = 64 * 1024;
/**
 * Chunks are written in batches of about this many bytes of output (one statement each):
 * a write per 64 KiB chunk spent most of its time on the round trip and per-statement cost.
 */
export const BATCH_BYTES = 1024 * 1024;
/**
 * What has been read is written at least this often while output arrives, so a viewer
 * following the log sees new lines within about this delay (the pod → viewer goal
 * is p99 ≤ 300 ms).
 */
export const FLUSH_INTERVAL_MS = 100;
const LF = 0x0a;
const CR = 0x0d;

export interface LogChunkToWrite {
  seq: number;
  firstLine: number;
  lineCount: number;
  /** The lines as text (see `logText`), joined by LF; a CR before a line's LF is dropped. */
  content: string;
  /** The exact bytes of these lines, secrets masked, when they differ from `content` + LF in UTF-8. */
  raw: Buffer | null;
  /** Bytes of the stream this chunk covers, before masking (a resumed stream skips them). */
  bytes: number;
}

/** Lines gathered for the next chunk. */
interface PendingChunk {
  texts: string[];
  raws: Buffer[];
  lineCount: number;
  bytes: number;
  /** Every part is whole lines of plain text without CR: the bytes are the text + LF. */
  plain: boolean;
}

/** LFs in a text (V8's string search: no call into C++ per line, as Buffer#indexOf would make). */
function countLf(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

const emptyChunk = (): PendingChunk => ({ texts: [], raws: [], lineCount: 0, bytes: 0, plain: true });

/**
 * Cuts a step's output into chunks of whole lines, masking secrets. Lines longer than a
 * chunk are archived in pieces of about `chunkBytes` (each shown as a line). Output is cut
 * only where the archive stays exact and safe: between lines, or for a long line where no
 * UTF-8 character, CR LF pair or secret is split — a piece is cut only once enough of the
 * line is known to tell whether a secret crosses the cut, so how the stream was read never
 * changes what is stored.
 */
export function createLogCutter(options: { secrets: readonly string[]; chunkBytes?: number }) {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const patterns = secretPatterns(options.secrets);
  // Bytes past a piece's cut that must be known before cutting: the rest of a secret that
  // starts before it, or the CR LF ending the line there.
  const lookahead = Math.max((patterns[0]?.length ?? 0) - 1, 2);
  let held: Buffer = Buffer.alloc(0);
  let pending = emptyChunk();
  const ready: PendingChunk[] = [];
  let readyBytes = 0;

  /** Adds whole lines (ending with LF) or one piece of a line (`lines` false). */
  function add(bytes: Buffer, lines: boolean) {
    const masked = maskBytes(bytes, patterns);
    const plainText = isPlainText(masked);
    let text = plainText ? masked.toString() : logText(masked);
    // An escape next to other output could spell a secret (`\xff` + `abc` = "xffabc").
    if (!plainText) text = maskBytes(Buffer.from(text), patterns).toString();
    const hasCr = text.includes('\r');
    if (lines) {
      pending.lineCount += countLf(text);
      text = (hasCr ? text.replace(/\r\n/g, '\n') : text).slice(0, -1);
    } else {
      pending.lineCount += 1;
    }
    pending.plain &&= plainText && lines && !hasCr;
    pending.texts.push(text);
    pending.raws.push(masked);
    pending.bytes += bytes.length;
  }

  function close() {
    if (pending.lineCount === 0) return;
    ready.push(pending);
    readyBytes += pending.bytes;
    pending = emptyChunk();
  }

  /** Where to end a piece of the line at `from` whose known bytes end at `known`. */
  function pieceEnd(from: number, known: number): number {
    let end = characterBoundary(held, from + chunkBytes, from);
    const straddling = findSecrets(held.subarray(from, known), patterns).find(
      (m) => from + m.start < end && from + m.end > end,
    );
    if (straddling) end = from + (straddling.start > 0 ? straddling.start : straddling.end);
    return end > from ? end : from + chunkBytes;
  }

  /** Moves what can be archived from `held` into chunks; `final`: nothing more will come. */
  function cut(final: boolean) {
    let at = 0;
    while (at < held.length) {
      const room = chunkBytes - pending.bytes;
      const lastLf = held.lastIndexOf(LF, Math.min(held.length, at + room) - 1);
      if (lastLf >= at) {
        add(held.subarray(at, lastLf + 1), true);
        at = lastLf + 1;
        if (pending.bytes >= chunkBytes) close();
        continue;
      }
      // The line at `at` does not fit in the room left (or has not ended yet).
      const lf = held.indexOf(LF, at);
      const known = lf !== -1 ? lf + 1 : held.length;
      const lineDone = lf !== -1 || final;
      if (known - at <= room && lineDone) {
        add(held.subarray(at, known), lf !== -1);
        at = known;
      } else if (known - at < room) {
        break; // a short line still being written
      } else if (pending.lineCount > 0) {
        close();
      } else if (lineDone || known - at >= chunkBytes + lookahead) {
        let end = pieceEnd(at, known);
        // A piece that ends where its line does keeps the line's end (CR LF or LF).
        if (held[end] === CR && held[end + 1] === LF) end += 2;
        else if (held[end] === LF) end += 1;
        add(held.subarray(at, end), held[end - 1] === LF);
        close();
        at = end;
      } else {
        break; // wait until what crosses the cut is known
      }
    }
    held = at === 0 ? held : Buffer.from(held.subarray(at));
  }

  function toChunk(part: PendingChunk, seq: number, firstLine: number): LogChunkToWrite {
    const content = part.texts.join('\n');
    if (part.plain)
      return { seq, firstLine, lineCount: part.lineCount, content, raw: null, bytes: part.bytes };
    const raw = Buffer.concat(part.raws);
    const plain = Buffer.byteLength(content) + 1 === raw.length && raw.equals(Buffer.from(`${content}\n`));
    return { seq, firstLine, lineCount: part.lineCount, content, raw: plain ? null : raw, bytes: part.bytes };
  }

  return {
    /** Takes bytes read from the stream. */
    push(data: Buffer) {
      held = held.length === 0 ? data : Buffer.concat([held, data]);
      cut(false);
    },
    /** The stream ended and the log is complete: archive the last line even without LF. */
    end() {
      cut(true);
      close();
    },
    /** Closes the chunk being gathered (a quiet stream still gets its lines archived). */
    close,
    /**
     * Hands out the chunks ready to write, numbered from `seq` and `firstLine`: all of them,
     * or (with `maxBytes`) the first ones up to about that many bytes of output (at least one).
     */
    take(seq: number, firstLine: number, maxBytes = Number.POSITIVE_INFINITY): LogChunkToWrite[] {
      const chunks: LogChunkToWrite[] = [];
      let taken = 0;
      while (ready.length > 0 && (chunks.length === 0 || taken + (ready[0]?.bytes ?? 0) <= maxBytes)) {
        const part = ready.shift() as PendingChunk;
        taken += part.bytes;
        readyBytes -= part.bytes;
        chunks.push(toChunk(part, seq + chunks.length, firstLine));
        firstLine += part.lineCount;
      }
      return chunks;
    },
    hasPending: () => pending.lineCount > 0,
    hasReady: () => ready.length > 0,
    /** Bytes of output (before masking) in the chunks ready to write. */
    readyBytes: () => readyBytes,
  };
}

/**
 * Archives one step's log stream in order, as it arrives, in batches of chunks: a batch is
 * written once it holds `batchBytes` of output, or `flushIntervalMs` after the last write
 * while output arrives (then the chunk being gathered is closed too). One batch is written
 * while the next is gathered (the database and the cutting work at the same time); reading
 * waits when a second batch is ready before the first is written, so at most two batches,
 * a chunk and one bounded piece of a line are held in memory, whatever the log's size.
 * Resolves with whether the log was read to its end (`isEnd` said so when the stream
 * ended); a stream that ends before (a dropped connection, an abort) leaves its unfinished
 * last line to the next pump, which resumes at the bytes archived. A batch the `write`
 * refuses ends the pump with its error; nothing after it is written.
 */
export async function pumpLog(options: {
  stream: Readable;
  /** Where the archive stands: the next chunk's sequence number and line number. */
  nextSeq: number;
  nextLine: number;
  secrets: readonly string[];
  /** Stores consecutive chunks (in order, all or none); called one batch at a time. */
  write: (chunks: LogChunkToWrite[]) => Promise<void>;
  signal?: AbortSignal;
  /** Whether the log is complete once the stream ends (default: yes). */
  isEnd?: () => boolean;
  /** Bytes of output per chunk (default CHUNK_BYTES). */
  chunkBytes?: number;
  /** Bytes of output per batch (default BATCH_BYTES). */
  batchBytes?: number;
  /** Longest wait before what was read is written, in ms (default FLUSH_INTERVAL_MS). */
  flushIntervalMs?: number;
}): Promise<{ complete: boolean }> {
  const { stream, write } = options;
  const batchBytes = options.batchBytes ?? BATCH_BYTES;
  const flushIntervalMs = options.flushIntervalMs ?? FLUSH_INTERVAL_MS;
  const cutter = createLogCutter({ secrets: options.secrets, chunkBytes: options.chunkBytes });
  let seq = options.nextSeq;
  let nextLine = options.nextLine;
  let lastFlush = Date.now();
  let failure: unknown;
  /** The batch being written (one at a time, in order). */
  let writing: Promise<void> = Promise.resolve();

  /**
   * Starts writing what is ready, in batches of at most batchBytes, each once the one before
   * it is written; resolves when the last is.
   */
  function flush(): Promise<void> {
    lastFlush = Date.now();
    while (cutter.hasReady()) {
      const chunks = cutter.take(seq, nextLine, batchBytes);
      const last = chunks.at(-1);
      if (!last) break;
      seq = last.seq + 1;
      nextLine = last.firstLine + last.lineCount;
      writing = writing.then(async () => {
        if (failure === undefined) await write(chunks);
      });
      writing = writing.catch((error: unknown) => {
        failure ??= error;
        stream.destroy();
      });
    }
    return writing;
  }

  // A quiet stream still gets its last lines archived within flushIntervalMs.
  const timer = setInterval(
    () => {
      if (Date.now() - lastFlush < flushIntervalMs) return;
      cutter.close();
      if (cutter.hasReady()) void flush();
    },
    Math.max(1, flushIntervalMs / 2),
  );
  const abort = () => stream.destroy();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const data of stream) {
      cutter.push(typeof data === 'string' ? Buffer.from(data) : (data as Buffer));
      if (Date.now() - lastFlush >= flushIntervalMs) cutter.close();
      else if (cutter.readyBytes() < batchBytes) continue;
      // Back-pressure: the batch before this one must be written before this one starts.
      await writing;
      if (failure !== undefined) break;
      void flush();
    }
  } catch (error) {
    // A failed write ends the pump with its error; stopping a stream on purpose ends it early.
    if (failure === undefined && !options.signal?.aborted) throw error;
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', abort);
  }
  if (failure === undefined) {
    const complete = !options.signal?.aborted && (options.isEnd?.() ?? true);
    if (complete) cutter.end();
    else cutter.close();
    await flush();
    if (failure === undefined) return { complete };
  }
  await writing;
  throw failure;
}

import type { Readable } from 'node:stream';
import { findSecrets, maskBytes, secretPatterns } from './log-masking.ts';
import { characterBoundary, isPlainText, logText } from './log-text.ts';

/**
 * A chunk is written when it holds this many bytes of output (a piece of a longer line
 * may add its line's CR LF), or after FLUSH_INTERVAL_MS.
 */
export const CHUNK_BYTES = 64 * 1024;
const FLUSH_INTERVAL_MS = 250;
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
}

function countLf(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) count += 1;
  return count;
}

const emptyChunk = (): PendingChunk => ({ texts: [], raws: [], lineCount: 0, bytes: 0 });

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

  /** Adds whole lines (ending with LF) or one piece of a line (`lines` false). */
  function add(bytes: Buffer, lines: boolean) {
    const masked = maskBytes(bytes, patterns);
    let text = logText(masked);
    // An escape next to other output could spell a secret (`\xff` + `abc` = "xffabc").
    if (!isPlainText(masked)) text = maskBytes(Buffer.from(text), patterns).toString();
    if (lines) text = text.replace(/\r\n/g, '\n').slice(0, -1);
    pending.texts.push(text);
    pending.raws.push(masked);
    pending.lineCount += lines ? countLf(bytes) : 1;
    pending.bytes += bytes.length;
  }

  function close() {
    if (pending.lineCount === 0) return;
    ready.push(pending);
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
    /** Hands out the chunks ready to write, numbered from `seq` and `firstLine`. */
    take(seq: number, firstLine: number): LogChunkToWrite[] {
      const chunks: LogChunkToWrite[] = [];
      for (const part of ready.splice(0)) {
        chunks.push(toChunk(part, seq + chunks.length, firstLine));
        firstLine += part.lineCount;
      }
      return chunks;
    },
    hasPending: () => pending.lineCount > 0,
    hasReady: () => ready.length > 0,
  };
}

/**
 * Archives one step's log stream in bounded chunks, in order, as it arrives: at most a
 * chunk and one bounded piece of a line are held in memory, whatever the log's size.
 * Resolves with whether the log was read to its end (`isEnd` said so when the stream
 * ended); a stream that ends before (a dropped connection, an abort) leaves its unfinished
 * last line to the next pump, which resumes at the bytes archived.
 */
export async function pumpLog(options: {
  stream: Readable;
  /** Where the archive stands: the next chunk's sequence number and line number. */
  nextSeq: number;
  nextLine: number;
  secrets: readonly string[];
  write: (chunk: LogChunkToWrite) => Promise<void>;
  signal?: AbortSignal;
  /** Whether the log is complete once the stream ends (default: yes). */
  isEnd?: () => boolean;
  /** Bytes of output per chunk (default CHUNK_BYTES). */
  chunkBytes?: number;
}): Promise<{ complete: boolean }> {
  const { stream, write } = options;
  const cutter = createLogCutter({ secrets: options.secrets, chunkBytes: options.chunkBytes });
  let seq = options.nextSeq;
  let nextLine = options.nextLine;
  let lastFlush = Date.now();
  let failure: unknown;

  async function writeReady() {
    if (failure !== undefined) return; // nothing after a chunk that could not be written
    lastFlush = Date.now();
    for (const chunk of cutter.take(seq, nextLine)) {
      seq = chunk.seq + 1;
      nextLine = chunk.firstLine + chunk.lineCount;
      await write(chunk);
    }
  }

  // Writes happen one after another (chunk order = archive order), and a quiet stream
  // still gets its last lines archived within FLUSH_INTERVAL_MS.
  let chain = Promise.resolve();
  const writeInOrder = () => {
    chain = chain.then(writeReady).catch((error: unknown) => {
      failure ??= error;
    });
    return chain.then(() => {
      if (failure !== undefined) throw failure;
    });
  };
  const timer = setInterval(() => {
    if (cutter.hasPending() && Date.now() - lastFlush >= FLUSH_INTERVAL_MS) {
      cutter.close();
      void writeInOrder().catch(() => stream.destroy());
    }
  }, FLUSH_INTERVAL_MS);
  const abort = () => stream.destroy();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const data of stream) {
      cutter.push(typeof data === 'string' ? Buffer.from(data) : (data as Buffer));
      if (Date.now() - lastFlush >= FLUSH_INTERVAL_MS) cutter.close();
      if (cutter.hasReady()) await writeInOrder();
    }
  } catch (error) {
    // A failed write ends the pump with its error; stopping a stream on purpose ends it early.
    if (failure !== undefined) throw failure;
    if (!options.signal?.aborted) throw error;
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', abort);
  }
  const complete = !options.signal?.aborted && (options.isEnd?.() ?? true);
  if (complete) cutter.end();
  else cutter.close();
  await writeInOrder();
  return { complete };
}

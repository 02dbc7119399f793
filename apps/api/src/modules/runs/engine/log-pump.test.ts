import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesOf, linesOf } from '../step-logs.ts';
import { maskBytes, secretPatterns } from './log-masking.ts';
import { BATCH_BYTES, CHUNK_BYTES, createLogCutter, type LogChunkToWrite, pumpLog } from './log-pump.ts';

async function pump(
  parts: (string | Buffer)[],
  options: { nextSeq?: number; nextLine?: number; secrets?: string[]; isEnd?: () => boolean } = {},
) {
  const chunks: LogChunkToWrite[] = [];
  await pumpLog({
    stream: Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
    nextSeq: options.nextSeq ?? 0,
    nextLine: options.nextLine ?? 1,
    secrets: options.secrets ?? [],
    isEnd: options.isEnd,
    write: async (batch) => {
      chunks.push(...batch);
    },
  });
  return chunks;
}

/** What a download of these chunks returns. */
const download = (chunks: readonly LogChunkToWrite[]) => Buffer.concat(chunks.map(bytesOf));
const lines = (chunks: readonly LogChunkToWrite[]) => chunks.flatMap(linesOf);

/**
 * Everything a viewer can get of an archived log, as text: each stored chunk's content and
 * bytes, each served line, each event-stream frame, the download.
 */
function everythingServed(chunks: readonly LogChunkToWrite[]): string[] {
  return [
    ...chunks.flatMap((c) => [c.content, c.raw?.toString('latin1') ?? '', c.raw?.toString() ?? '']),
    ...lines(chunks),
    // The SSE frame as sent, its `\uXXXX` escapes of control bytes made one sentinel each: the
    // escape's own digits are not log text (a secret line "010" is not leaked by "\u0010").
    ...chunks.map((c) =>
      `data: ${JSON.stringify({ firstLine: c.firstLine, lines: linesOf(c) })}\n\n`.replace(
        /\\u[0-9a-fA-F]{4}/g,
        '\uFFFF',
      ),
    ),
    download(chunks).toString(),
    download(chunks).toString('latin1'),
  ];
}

/** Runs the cutter over `input` read in the given pieces, closing chunks where `closeAfter` says. */
function cutInto(
  input: Buffer,
  cuts: readonly number[],
  options: { secrets: string[]; chunkBytes?: number; closeAfter?: readonly boolean[] },
): LogChunkToWrite[] {
  const cutter = createLogCutter(options);
  const bounds = [...new Set([0, ...cuts.filter((c) => c > 0 && c < input.length), input.length])].sort(
    (a, b) => a - b,
  );
  const chunks: LogChunkToWrite[] = [];
  let seq = 0;
  let line = 1;
  const takeReady = () => {
    for (const chunk of cutter.take(seq, line)) {
      chunks.push(chunk);
      seq = chunk.seq + 1;
      line = chunk.firstLine + chunk.lineCount;
    }
  };
  for (let i = 0; i + 1 < bounds.length; i++) {
    cutter.push(input.subarray(bounds[i], bounds[i + 1]));
    if (options.closeAfter?.[i]) cutter.close();
    takeReady();
  }
  cutter.end();
  takeReady();
  return chunks;
}

describe('log archiving', () => {
  it('splits into lines across reads, counts lines and raw bytes, keeps a last line without a newline', async () => {
    const chunks = await pump(['one\ntw', 'o\r\nthr', 'ee']);
    expect(lines(chunks)).toEqual(['one', 'two', 'three']);
    expect(chunks.reduce((n, c) => n + c.lineCount, 0)).toBe(3);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(Buffer.byteLength('one\ntwo\r\nthree'));
    expect(download(chunks).toString()).toBe('one\ntwo\r\nthree');
    expect(chunks[0]?.firstLine).toBe(1);
  });

  it('never splits a multi-byte character and resumes numbering where the archive stands', async () => {
    const text = Buffer.from('grüße\nñ\n');
    const chunks = await pump([text.subarray(0, 3), text.subarray(3)], { nextSeq: 5, nextLine: 41 });
    expect(chunks[0]).toMatchObject({
      seq: 5,
      firstLine: 41,
      content: 'grüße\nñ',
      lineCount: 2,
      raw: null, // the text says it all
      bytes: text.length,
    });
  });

  it('bounds every chunk, also for a very long line without an end', async () => {
    const big = `${'x'.repeat(CHUNK_BYTES * 3)}`;
    const chunks = await pump([big, '\nend\n']);
    // Pieces of exactly CHUNK_BYTES (the last one ended by its newline), then "end".
    expect(lines(chunks).map((line) => line.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 3]);
    expect(chunks.every((c) => c.bytes <= CHUNK_BYTES + 1)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(big.length + 5);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(download(chunks).toString()).toBe(`${big}\nend\n`);
  });

  it('keeps the bytes written: NUL, bytes that are not UTF-8, encoded surrogates, a lone CR, ANSI colours', async () => {
    const written = Buffer.concat([
      Buffer.from('before\nbinary\0output\n'),
      Buffer.from([0xff, 0xfe, 0x0a]), // not UTF-8
      Buffer.from([0xed, 0xa0, 0x80, 0x0a]), // a UTF-16 surrogate, encoded
      Buffer.from('50%\r100%\n\x1b[31mred\x1b[0m\r\n'),
      Buffer.from([0xe2, 0x82]), // a character cut short at the very end
    ]);
    // Read a byte at a time: no read boundary may change what is stored.
    const chunks = await pump([...written].map((b) => Buffer.from([b])));
    expect(lines(chunks)).toEqual([
      'before',
      'binary\\x00output',
      '\\xff\\xfe',
      '\\xed\\xa0\\x80',
      '50%\r100%',
      '\x1b[31mred\x1b[0m',
      '\\xe2\\x82',
    ]);
    expect(download(chunks).equals(written)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(written.length);
  });

  it('keeps binary output whole and cuts it only between characters', async () => {
    const binary = Buffer.from(Array.from({ length: CHUNK_BYTES * 2 + 777 }, (_, i) => (i * 7919) % 256));
    const chunks = await pump([binary.subarray(0, 5000), binary.subarray(5000)]);
    expect(download(chunks).equals(binary)).toBe(true);
    expect(chunks.every((c) => !c.content.includes('\0'))).toBe(true);
  });

  it('leaves an unfinished last line to the next pump when the log has not ended', async () => {
    const chunks = await pump(['done\nhalf a li'], { isEnd: () => false });
    expect(lines(chunks)).toEqual(['done']);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(5); // the next pump resumes at "half"
  });

  it('stops at the first chunk the database refuses and fails with its error', async () => {
    const refused = new Error('22021 invalid byte sequence');
    let writes = 0;
    const pumped = pumpLog({
      stream: Readable.from([Buffer.from('a\n'.repeat(CHUNK_BYTES))]),
      nextSeq: 0,
      nextLine: 1,
      secrets: [],
      write: async () => {
        writes += 1;
        throw refused;
      },
    });
    await expect(pumped).rejects.toBe(refused);
    expect(writes).toBe(1);
  });
});

describe('writing the archive in batches', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes batches of at most BATCH_BYTES of output: many chunks per statement, in order, none lost', async () => {
    const line = 'x'.repeat(99);
    const input = `${line}\n`.repeat(Math.ceil((3.5 * BATCH_BYTES) / 100));
    const batches: LogChunkToWrite[][] = [];
    await pumpLog({
      stream: Readable.from([Buffer.from(input)]),
      nextSeq: 0,
      nextLine: 1,
      secrets: [],
      flushIntervalMs: 3_600_000,
      write: async (batch) => {
        batches.push(batch);
      },
    });
    const sizes = batches.map((batch) => batch.reduce((n, c) => n + c.bytes, 0));
    // Three full batches, then what was left when the batch bound was passed and at the end.
    expect(batches.length).toBeLessThanOrEqual(5);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(BATCH_BYTES);
    for (const size of sizes.slice(0, 3)) expect(size).toBeGreaterThan(BATCH_BYTES - CHUNK_BYTES);
    const chunks = batches.flat();
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(download(chunks).equals(Buffer.from(input))).toBe(true);
  });

  it('writes what was read within flushIntervalMs while the stream stays open, without waiting for a full batch', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const stream = new PassThrough();
    const batches: LogChunkToWrite[][] = [];
    let written = () => {};
    const pumped = pumpLog({
      stream,
      nextSeq: 0,
      nextLine: 1,
      secrets: [],
      flushIntervalMs: 100,
      write: async (batch) => {
        batches.push(batch);
        written();
      },
    });
    stream.write('first line\nsecond line\n');
    await new Promise((resolve) => setImmediate(resolve)); // the pump has read it
    vi.advanceTimersByTime(99);
    expect(batches).toEqual([]);
    const flushed = new Promise<void>((resolve) => {
      written = resolve;
    });
    vi.advanceTimersByTime(1);
    await flushed;
    expect(lines(batches.flat())).toEqual(['first line', 'second line']);
    stream.end('third\n');
    await pumped;
    expect(lines(batches.flat())).toEqual(['first line', 'second line', 'third']);
    expect(batches.flat().map((c) => c.seq)).toEqual([0, 1]);
  });

  it('reads no further while a batch waits for the one before it to be written (at most two in memory)', async () => {
    const line = 'y'.repeat(99);
    const input = Buffer.from(`${line}\n`.repeat(Math.ceil((6 * BATCH_BYTES) / 100)));
    const parts = Array.from({ length: 48 }, (_, i) =>
      input.subarray((i * input.length) / 48, ((i + 1) * input.length) / 48),
    );
    let readParts = 0;
    const stream = Readable.from(
      (function* () {
        for (const part of parts) {
          readParts += 1;
          yield part;
        }
      })(),
    );
    let release = () => {};
    const writes: number[] = [];
    const pumped = pumpLog({
      stream,
      nextSeq: 0,
      nextLine: 1,
      secrets: [],
      flushIntervalMs: 3_600_000,
      write: async () => {
        writes.push(readParts);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await until(() => writes.length === 1);
    // The first batch is being written: the pump gathers one more batch, then waits.
    await new Promise((resolve) => setImmediate(resolve));
    const readWhileBlocked = readParts;
    expect(readWhileBlocked).toBeLessThan(parts.length / 2);
    release();
    await pumped;
    expect(readParts).toBe(parts.length);
  });
});

/** Waits (a macrotask at a time, no timer) until `done` holds. */
async function until(done: () => boolean) {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

describe('masking secrets in logs', () => {
  it('masks each line of a multi-line secret, also when only some lines are printed', async () => {
    const secret = 'KEYLINE-ONE-abcdef123\r\nKEYLINE-TWO-ghijkl456\n';
    const chunks = await pump(
      ['token: KEYLINE-ONE-abcdef123\nKEYLINE-TWO-ghijkl456\r\n', 'KEYLINE-TWO-ghijkl456'],
      {
        secrets: [secret],
      },
    );
    expect(lines(chunks)).toEqual(['token: ***', '***', '***']);
    expect(download(chunks).toString()).toBe('token: ***\n***\r\n***');
  });

  it('masks a secret that long-line pieces would cut, at every offset around the 64 KiB cut', () => {
    const secret = 'pässwörd-0123456789'; // multi-byte characters too
    const length = Buffer.byteLength(secret);
    for (let offset = -length - 1; offset <= 1; offset++) {
      const input = Buffer.concat([
        Buffer.from('y'.repeat(CHUNK_BYTES + offset)),
        Buffer.from(secret),
        Buffer.from('z'.repeat(100)),
      ]);
      for (const cuts of [
        [],
        [CHUNK_BYTES],
        [CHUNK_BYTES + offset + 3],
        [CHUNK_BYTES + length + offset - 1],
      ]) {
        const chunks = cutInto(input, cuts, { secrets: [secret] });
        for (const text of everythingServed(chunks)) expect(text).not.toContain(secret);
        expect(download(chunks).toString()).toBe(`${'y'.repeat(CHUNK_BYTES + offset)}***${'z'.repeat(100)}`);
      }
    }
  });

  // Property tests: the same log, read in any pieces and archived in any chunks, is stored
  // the same (the masked bytes, exactly), and no secret line reaches anything served.
  const secretLine = fc
    .array(fc.constantFrom(...'abcdefx0123456789-_:=+/äß€'), { minLength: 3, maxLength: 24 })
    .map((chars) => chars.join(''));
  const secretArb = fc
    .tuple(fc.array(secretLine, { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', '\r\n'))
    .map(([parts, eol]) => parts.join(eol));
  const logArb = (secret: string) =>
    fc
      .array(
        fc.oneof(
          fc.constant(Buffer.from(secret)),
          fc.constantFrom(...secret.split(/\r?\n/)).map((line) => Buffer.from(line)),
          fc.constantFrom('\n', '\r\n', '\r', '\0', ' ', 'x').map((s) => Buffer.from(s)),
          fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 12 }).map((text) => Buffer.from(text)),
        ),
        { maxLength: 14 },
      )
      .map((parts) => Buffer.concat(parts));
  const secretWithLog = secretArb.chain((secret) => fc.tuple(fc.constant(secret), logArb(secret)));

  const check = (secret: string, input: Buffer, chunks: LogChunkToWrite[]) => {
    const patterns = secretPatterns([secret]);
    expect(download(chunks).equals(maskBytes(input, patterns))).toBe(true);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(input.length);
    for (const pattern of patterns) {
      for (const text of everythingServed(chunks)) expect(text).not.toContain(pattern.toString());
    }
  };

  it('holds when the output is read in two pieces cut at every possible offset', () => {
    fc.assert(
      fc.property(secretWithLog, fc.integer({ min: 4, max: 40 }), ([secret, input], chunkBytes) => {
        for (let at = 0; at <= input.length; at++)
          check(secret, input, cutInto(input, [at], { secrets: [secret], chunkBytes }));
      }),
      { numRuns: 60 },
    );
  });

  it('holds for random reads, flushes and chunk sizes', () => {
    fc.assert(
      fc.property(
        secretWithLog,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        ([secret, input], cuts, closeAfter, chunkBytes) => {
          const at = cuts.map((c) => (input.length === 0 ? 0 : c % input.length));
          check(secret, input, cutInto(input, at, { secrets: [secret], chunkBytes, closeAfter }));
        },
      ),
      { numRuns: 500 },
    );
  });

  // Found by the property above (seed -297792143): a control byte's JSON escape `\u0010` holds
  // the secret line "010" — not a leak; the check must not call it one.
  it("does not take a control byte's JSON escape for a secret line", () => {
    const secret = '+8e1€-/\n010';
    const input = Buffer.from([0x10, ...Buffer.from('\n010\n')]);
    check(secret, input, cutInto(input, [1], { secrets: [secret], chunkBytes: 4 }));
    const masked = download(cutInto(input, [], { secrets: [secret] })).toString();
    expect(masked).not.toContain('010');
  });

  it('holds through the whole pump, stream reads included', async () => {
    await fc.assert(
      fc.asyncProperty(secretWithLog, fc.array(fc.nat(), { maxLength: 6 }), async ([secret, input], cuts) => {
        const bounds = [...new Set([0, ...cuts.map((c) => c % (input.length + 1)), input.length])].sort(
          (a, b) => a - b,
        );
        const parts = bounds.slice(1).map((end, i) => input.subarray(bounds[i], end));
        check(secret, input, await pump(parts, { secrets: [secret] }));
      }),
      { numRuns: 100 },
    );
  });
});

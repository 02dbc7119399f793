import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, type LogChunkToWrite, maskSecrets, pumpLog } from './log-pump.ts';

async function pump(
  parts: (string | Buffer)[],
  options: { nextSeq?: number; nextLine?: number; secrets?: string[] } = {},
) {
  const chunks: LogChunkToWrite[] = [];
  await pumpLog({
    stream: Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
    nextSeq: options.nextSeq ?? 0,
    nextLine: options.nextLine ?? 1,
    secrets: options.secrets ?? [],
    write: async (chunk) => {
      chunks.push(chunk);
    },
  });
  return chunks;
}

describe('log archiving', () => {
  it('splits into lines across reads, counts lines and raw bytes, keeps a last line without a newline', async () => {
    const chunks = await pump(['one\ntw', 'o\r\nthr', 'ee']);
    expect(chunks.map((c) => c.content).join('\n')).toBe('one\ntwo\nthree');
    expect(chunks.reduce((n, c) => n + c.lineCount, 0)).toBe(3);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(Buffer.byteLength('one\ntwo\r\nthree'));
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
      bytes: text.length,
    });
  });

  it('bounds every chunk, also for a very long line without an end', async () => {
    const big = `${'x'.repeat(CHUNK_BYTES * 3)}`;
    const chunks = await pump([big, '\nend\n']);
    // Pieces of exactly CHUNK_BYTES (the last one ended by its newline), then "end".
    expect(chunks.flatMap((c) => c.content.split('\n')).map((line) => line.length)).toEqual([
      CHUNK_BYTES,
      CHUNK_BYTES,
      CHUNK_BYTES,
      3,
    ]);
    expect(chunks.reduce((n, c) => n + c.bytes, 0)).toBe(big.length + 5);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  });

  it('masks secret values', async () => {
    expect(maskSecrets('token=s3cret and s3cret again', ['s3cret'])).toBe('token=*** and *** again');
    const chunks = await pump(['password: hunter22\n'], { secrets: ['hunter22'] });
    expect(chunks[0]?.content).toBe('password: ***');
  });
});

import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { followLog } from './log-follow.ts';

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('following a pod log from a byte on', () => {
  it('skips exactly the archived bytes, whatever reads the source makes around them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (bytes, cuts) => {
          const input = Buffer.from(bytes);
          const bounds = [...new Set([0, ...cuts.map((c) => c % input.length), input.length])].sort(
            (a, b) => a - b,
          );
          const parts = bounds.slice(1).map((end, i) => input.subarray(bounds[i], end));
          for (let fromByte = 0; fromByte <= input.length; fromByte++) {
            const followed = followLog(Readable.from(parts), {
              fromByte,
              isFinished: () => false,
              quietAfterEndMs: 1000,
            });
            expect((await collect(followed)).equals(input.subarray(fromByte))).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ends a stream the server keeps open once the step has ended and it has gone quiet', async () => {
    const source = new PassThrough();
    let finished = false;
    const followed = followLog(source, { fromByte: 2, isFinished: () => finished, quietAfterEndMs: 20 });
    const text = collect(followed);
    source.write('abcdef');
    finished = true; // the source stays open: only the watchdog can end it
    expect((await text).toString()).toBe('cdef');
    expect(source.destroyed).toBe(true);
  });
});

import type { ReleaseLogSchema } from '@slipway/contracts';
import type { z } from 'zod';

/** A release's deploy log as the console holds it: every line so far, and whether it is whole. */
export type ReleaseLog = z.infer<typeof ReleaseLogSchema>;

/** The sequence number to ask for lines after (`after`), undefined before any line arrived. */
export function lastSeq(log: ReleaseLog | undefined): number | undefined {
  return log?.lines.at(-1)?.seq;
}

/**
 * The log after a poll: `previous` lines then `next`'s lines that are newer (a line sent
 * twice, when two polls overlap, is kept once), in sequence order; complete as `next` says.
 */
export function appendLogLines(previous: ReleaseLog | undefined, next: ReleaseLog): ReleaseLog {
  const last = lastSeq(previous) ?? -1;
  const fresh = next.lines.filter((line) => line.seq > last).sort((a, b) => a.seq - b.seq);
  return { lines: [...(previous?.lines ?? []), ...fresh], complete: next.complete };
}

import { Readable } from 'node:stream';
import { FINISHED_STATUSES } from '@slipway/contracts';
import { BadRequestError, NotFoundError } from '../../lib/errors.ts';
import { latestAttempts } from './run-view.ts';
import type { RunsRepo, RunWithJobs } from './runs.repo.ts';

/** Text read from the archive at a time for log pages and downloads (at least one chunk). */
const PAGE_BYTES = 256 * 1024;
/** Chunks searched at a time (only chunks holding a match are read). */
const SEARCH_PAGE_CHUNKS = 20;

/** An archived piece of a step's log, as stored in `log_chunks` (`raw` read for downloads only). */
export interface StoredLogChunk {
  content: string;
  raw?: Uint8Array | null;
}

/** The lines of a chunk as served (log pages, search, the event stream). */
export function linesOf(chunk: StoredLogChunk): string[] {
  return chunk.content.split('\n');
}

/** The bytes a chunk holds, as written by the step (secrets masked): what a download returns. */
export function bytesOf(chunk: StoredLogChunk): Buffer {
  return chunk.raw ? Buffer.from(chunk.raw) : Buffer.from(`${chunk.content}\n`);
}

/** The step of a run's job: the job by name (or `stage.job`), the step by name or 0-based index. */
export function findStep(run: RunWithJobs, jobName: string, stepName: string) {
  const jobs = latestAttempts(run.jobs).filter(
    (j) => j.name === jobName || `${j.stage}.${j.name}` === jobName,
  );
  if (jobs.length > 1) throw new BadRequestError(`job "${jobName}" is in several stages; use <stage>.<job>`);
  const job = jobs[0];
  if (!job) throw new NotFoundError(`run ${run.number} has no job "${jobName}"`);
  const step =
    job.steps.find((s) => s.name === stepName) ??
    (/^\d+$/.test(stepName) ? job.steps[Number(stepName)] : undefined);
  if (!step) throw new NotFoundError(`job "${jobName}" has no step "${stepName}"`);
  return { job, step };
}

export function createStepLogs(deps: { runs: RunsRepo }) {
  const { runs } = deps;

  async function* chunksFrom(stepId: string, fromLine: number, withBytes = false) {
    let next = fromLine;
    for (;;) {
      const chunks = await runs.chunksFrom(stepId, next, PAGE_BYTES, withBytes);
      let advanced = false;
      for (const chunk of chunks) {
        if (chunk.firstLine + chunk.lineCount <= next) continue;
        yield chunk;
        next = chunk.firstLine + chunk.lineCount;
        advanced = true;
      }
      if (!advanced) return;
    }
  }

  return {
    /** A range of lines: reads only the chunks that hold them. */
    async page(run: RunWithJobs, jobName: string, stepName: string, from: number, limit: number) {
      const { step } = findStep(run, jobName, stepName);
      const lines: Array<{ number: number; text: string }> = [];
      for await (const chunk of chunksFrom(step.id, from)) {
        const texts = linesOf(chunk);
        for (let i = 0; i < texts.length && lines.length < limit; i++) {
          const number = chunk.firstLine + i;
          if (number >= from) lines.push({ number, text: texts[i] ?? '' });
        }
        if (lines.length >= limit) break;
      }
      return {
        lines,
        totalLines: step.logLines,
        complete: step.logComplete && FINISHED_STATUSES.includes(step.status),
      };
    },

    /** Lines containing `text` (case-insensitive), searched in the database, not in memory. */
    async search(
      run: RunWithJobs,
      jobName: string,
      stepName: string,
      text: string,
      from: number,
      limit: number,
    ) {
      const { step } = findStep(run, jobName, stepName);
      const needle = text.toLowerCase();
      const lines: Array<{ number: number; text: string }> = [];
      let afterSeq = -1;
      while (lines.length < limit) {
        const chunks = await runs.searchChunks(step.id, text, afterSeq, SEARCH_PAGE_CHUNKS);
        for (const chunk of chunks) {
          afterSeq = chunk.seq;
          const texts = linesOf(chunk);
          for (let i = 0; i < texts.length && lines.length < limit; i++) {
            const number = chunk.firstLine + i;
            const line = texts[i] ?? '';
            if (number >= from && line.toLowerCase().includes(needle)) lines.push({ number, text: line });
          }
        }
        if (chunks.length < SEARCH_PAGE_CHUNKS) break;
      }
      return {
        lines,
        totalLines: step.logLines,
        complete: step.logComplete && FINISHED_STATUSES.includes(step.status),
      };
    },

    /** The whole log, byte for byte as written (secrets masked), streamed a page of chunks at a time. */
    download(run: RunWithJobs, jobName: string, stepName: string): Readable {
      const { step } = findStep(run, jobName, stepName);
      return Readable.from(
        (async function* () {
          for await (const chunk of chunksFrom(step.id, 1, true)) yield bytesOf(chunk);
        })(),
      );
    },
  };
}

export type StepLogs = ReturnType<typeof createStepLogs>;

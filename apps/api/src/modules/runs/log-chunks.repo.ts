import { Prisma, type PrismaClient } from '@slipway/db';
import type { LogChunkToWrite } from './engine/log-pump.ts';

/**
 * Rows a byte-bounded page looks at: a page holds at most this many chunks however small
 * they are (a chunk is at most ~64 KiB of output, see CHUNK_BYTES).
 */
const MAX_PAGE_ROWS = 256;

/** A stored chunk's lines for the event stream, with the step it belongs to. */
export interface StreamedLogChunk {
  id: bigint;
  firstLine: number;
  content: string;
  stage: string;
  job: string;
  attempt: number;
  step: number;
}

/** A stored chunk of one step's log (`raw` only when asked for: downloads). */
export interface StepLogChunk {
  seq: number;
  firstLine: number;
  lineCount: number;
  content: string;
  raw?: Uint8Array | null;
}

/**
 * The `log_chunks` queries: archiving a step's log in batches and reading it back in pages
 * bounded by bytes (the stored size of `content`, read from the row's header without
 * decompressing it: PostgreSQL's `octet_length` on a TOASTed value), never by rows alone,
 * so a page costs about the same memory whatever the chunks hold.
 */
export function createLogChunksRepo(prisma: PrismaClient) {
  return {
    /**
     * Archives consecutive chunks of one step's log and advances the step's counters
     * (`log_bytes`, `log_lines`) in ONE statement (a multi-row INSERT in a data-modifying
     * CTE, so both happen or neither): what is stored and where the archive stands never
     * disagree, which is what a resumed pump relies on.
     */
    async appendLog(step: { id: string; runId: string }, chunks: readonly LogChunkToWrite[]): Promise<void> {
      if (chunks.length === 0) return;
      let bytes = 0;
      let lines = 0;
      const rows = chunks.map((chunk) => {
        bytes += chunk.bytes;
        lines += chunk.lineCount;
        return Prisma.sql`(${step.id}::uuid, ${step.runId}::uuid, ${chunk.seq}::int, ${chunk.firstLine}::int,
          ${chunk.lineCount}::int, ${chunk.content}::text, ${chunk.raw ? new Uint8Array(chunk.raw) : null}::bytea)`;
      });
      await prisma.$executeRaw`
        WITH archived AS (
          INSERT INTO log_chunks (step_run_id, run_id, seq, first_line, line_count, content, raw)
          VALUES ${Prisma.join(rows)}
          RETURNING 1
        )
        UPDATE step_runs SET log_bytes = log_bytes + ${bytes}::bigint, log_lines = log_lines + ${lines}::int
        WHERE id = ${step.id}::uuid`;
    },

    /** Where a step's log archive stands: bytes and lines archived, the next chunk's number. */
    async logState(stepRunId: string): Promise<{ bytes: number; lines: number; nextSeq: number }> {
      const [step, last] = await Promise.all([
        prisma.stepRun.findUniqueOrThrow({ where: { id: stepRunId } }),
        prisma.logChunk.findFirst({ where: { stepRunId }, orderBy: { seq: 'desc' }, select: { seq: true } }),
      ]);
      return { bytes: Number(step.logBytes), lines: step.logLines, nextSeq: (last?.seq ?? -1) + 1 };
    },

    /**
     * The chunks of a step holding lines from `fromLine` on, in order, a page of about
     * `maxBytes` of text at a time (at least one chunk); their stored bytes (`raw`) only when
     * `withBytes` (a download), since pages serve the text.
     */
    async chunksFrom(
      stepRunId: string,
      fromLine: number,
      maxBytes: number,
      withBytes = false,
    ): Promise<StepLogChunk[]> {
      const raw = withBytes ? Prisma.sql`raw` : Prisma.sql`NULL::bytea AS raw`;
      return prisma.$queryRaw<StepLogChunk[]>`
        SELECT seq, first_line AS "firstLine", line_count AS "lineCount", content, ${raw}
        FROM (
          SELECT c.*, sum(octet_length(c.content) + coalesce(octet_length(c.raw), 0)) OVER (ORDER BY c.seq) AS upto
          FROM log_chunks c
          WHERE c.step_run_id = ${stepRunId}::uuid
            AND c.seq >= coalesce((SELECT max(seq) FROM log_chunks
                                   WHERE step_run_id = ${stepRunId}::uuid AND first_line <= ${fromLine}::int), 0)
          ORDER BY c.seq
          LIMIT ${MAX_PAGE_ROWS}
        ) page
        WHERE upto - octet_length(content) - coalesce(octet_length(raw), 0) < ${maxBytes}
        ORDER BY seq`;
    },

    /** Chunks with a line containing `text` (case-insensitive), a bounded page at a time. */
    searchChunks(stepRunId: string, text: string, afterSeq: number, take: number) {
      return prisma.logChunk.findMany({
        where: { stepRunId, seq: { gt: afterSeq }, content: { contains: text, mode: 'insensitive' } },
        orderBy: { seq: 'asc' },
        take,
        omit: { raw: true },
      });
    },

    /**
     * A run's chunks after `afterId` in archive order, with their step, about `maxBytes` of
     * text at a time (at least one chunk); never their stored bytes.
     */
    chunksAfter(runId: string, afterId: bigint, maxBytes: number): Promise<StreamedLogChunk[]> {
      return prisma.$queryRaw<StreamedLogChunk[]>`
        SELECT page.id, page.first_line AS "firstLine", page.content,
               j.stage, j.name AS job, j.attempt, s.index AS step
        FROM (
          SELECT c.id, c.step_run_id, c.first_line, c.content,
                 sum(octet_length(c.content)) OVER (ORDER BY c.id) AS upto
          FROM log_chunks c
          WHERE c.run_id = ${runId}::uuid AND c.id > ${afterId}::bigint
          ORDER BY c.id
          LIMIT ${MAX_PAGE_ROWS}
        ) page
        JOIN step_runs s ON s.id = page.step_run_id
        JOIN job_runs j ON j.id = s.job_run_id
        WHERE page.upto - octet_length(page.content) < ${maxBytes}
        ORDER BY page.id`;
    },
  };
}

export type LogChunksRepo = ReturnType<typeof createLogChunksRepo>;

import type { Database, PrismaClient } from '@slipway/db';
import type { LogChunkToWrite } from './engine/log-pump.ts';

/**
 * Rows a byte-bounded page looks at: a page holds at most this many chunks however small
 * they are (a chunk is at most ~64 KiB of output, see CHUNK_BYTES).
 */
const MAX_PAGE_ROWS = 256;

/**
 * A stored chunk as the event stream's `log` frame data: the JSON text of
 * `{ stage, job, attempt, step, firstLine, lines }` (`lines` as `linesOf` gives them).
 */
export interface StreamedLogChunk {
  id: bigint;
  data: string;
}

/** A stored chunk of one step's log (`raw` only when asked for: downloads). */
export interface StepLogChunk {
  seq: number;
  firstLine: number;
  lineCount: number;
  content: string;
  raw?: Uint8Array | null;
}

/** The INSERT of a batch of `rows` chunks (one text per row count: a prepared statement each). */
function appendStatement(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) => {
    const at = 3 + row * 5;
    return `($1, $2, $${at}::int, $${at + 1}::int, $${at + 2}::int, $${at + 3}::text, $${at + 4}::bytea)`;
  });
  return `WITH archived AS (
      INSERT INTO log_chunks (step_run_id, run_id, seq, first_line, line_count, content, raw)
      VALUES ${values.join(', ')}
      RETURNING 1
    )
    UPDATE step_runs SET log_bytes = log_bytes + $${3 + rows * 5}::bigint, log_lines = log_lines + $${4 + rows * 5}::int
    WHERE id = $1::uuid`;
}

// Byte-bounded pages: a running sum of the stored text's size (plus the bytes' for downloads)
// over at most MAX_PAGE_ROWS rows, cut where it passes the bound (the first row always comes).
const CHUNKS_FROM = (withBytes: boolean) => `
  SELECT seq, first_line AS "firstLine", line_count AS "lineCount", content${withBytes ? ', raw' : ''}
  FROM (
    SELECT c.seq, c.first_line, c.line_count, c.content, c.raw,
           sum(octet_length(c.content) + coalesce(octet_length(c.raw), 0)) OVER (ORDER BY c.seq) AS upto
    FROM log_chunks c
    WHERE c.step_run_id = $1::uuid
      AND c.seq >= coalesce((SELECT max(seq) FROM log_chunks WHERE step_run_id = $1::uuid AND first_line <= $2::int), 0)
    ORDER BY c.seq
    LIMIT ${MAX_PAGE_ROWS}
  ) page
  WHERE upto - octet_length(content) - coalesce(octet_length(raw), 0) < $3::bigint
  ORDER BY seq`;
const CHUNKS_FROM_TEXT = CHUNKS_FROM(false);
const CHUNKS_FROM_BYTES = CHUNKS_FROM(true);

// PostgreSQL writes each chunk's frame JSON, splitting the text at LF as `linesOf` does (an
// empty text is one empty line).
const CHUNKS_AFTER = `
  SELECT page.id::text AS id,
         json_build_object(
           'type', 'log', 'stage', j.stage, 'job', j.name, 'attempt', j.attempt, 'step', s.index,
           'firstLine', page.first_line,
           'lines', CASE WHEN page.content = '' THEN ARRAY[''] ELSE string_to_array(page.content, chr(10)) END
         )::text AS data
  FROM (
    SELECT c.id, c.step_run_id, c.first_line, c.content,
           sum(octet_length(c.content)) OVER (ORDER BY c.id) AS upto
    FROM log_chunks c
    WHERE c.run_id = $1::uuid AND c.id > $2::bigint
    ORDER BY c.id
    LIMIT ${MAX_PAGE_ROWS}
  ) page
  JOIN step_runs s ON s.id = page.step_run_id
  JOIN job_runs j ON j.id = s.job_run_id
  WHERE page.upto - octet_length(page.content) < $3::bigint
  ORDER BY page.id`;

/**
 * The `log_chunks` queries: archiving a step's log in batches and reading it back in pages
 * bounded by bytes (the stored size of `content`, read from the row's header without
 * decompressing it: PostgreSQL's `octet_length` on a TOASTed value), never by rows alone,
 * so a page costs about the same memory whatever the chunks hold. The hot statements (a
 * batch, a page) go through `sql` (plain pg on Prisma's pool), the rest through Prisma.
 */
export function createLogChunksRepo(prisma: PrismaClient, sql: Database['sql']) {
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
      const values: unknown[] = [step.id, step.runId];
      for (const chunk of chunks) {
        bytes += chunk.bytes;
        lines += chunk.lineCount;
        values.push(chunk.seq, chunk.firstLine, chunk.lineCount, chunk.content, chunk.raw);
      }
      values.push(bytes, lines);
      await sql(appendStatement(chunks.length), values);
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
    chunksFrom(
      stepRunId: string,
      fromLine: number,
      maxBytes: number,
      withBytes = false,
    ): Promise<StepLogChunk[]> {
      return sql<StepLogChunk>(withBytes ? CHUNKS_FROM_BYTES : CHUNKS_FROM_TEXT, [
        stepRunId,
        fromLine,
        maxBytes,
      ]);
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
     * A run's chunks after `afterId` in archive order, about `maxBytes` of text at a time (at
     * least one chunk), never their stored bytes, each as the JSON its event-stream frame
     * carries, written by PostgreSQL: the API then holds one string per chunk, not a string
     * per line and their JSON besides, which kept the garbage collector busy and the heap
     * large while many viewers followed a long log.
     */
    async chunksAfter(runId: string, afterId: bigint, maxBytes: number): Promise<StreamedLogChunk[]> {
      const rows = await sql<{ id: string; data: string }>(CHUNKS_AFTER, [
        runId,
        afterId.toString(),
        maxBytes,
      ]);
      return rows.map((row) => ({ id: BigInt(row.id), data: row.data }));
    },
  };
}

export type LogChunksRepo = ReturnType<typeof createLogChunksRepo>;

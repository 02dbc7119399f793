import type { Readable } from 'node:stream';
import { type ParsedTestCase, parseJUnitReport } from './junit-xml.ts';
import type { ReportWarning, TestReportsRepo } from './test-reports.repo.ts';

/** A report file bigger than this is not parsed (a warning says so). */
export const REPORT_MAX_BYTES = 20 * 1024 * 1024;
/** A job attempt keeps at most this many cases (a warning says when more were cut). */
export const CASES_MAX_PER_JOB = 50_000;
/** How long a stored warning may be (the column's width). */
const WARNING_MAX_CHARS = 2000;

/** One file of an upload: a regular file, its path relative to the job's workspace. */
export interface ReportEntry {
  path: string;
  size: number;
  stream: Readable;
}

/** Which job attempt uploaded the reports (the job-files route knows it from the job's token). */
export interface ReportSource {
  jobRunId: string;
  runId: string;
  pipelineId: string;
}

/** What one upload stored. */
export interface IngestSummary {
  files: number;
  cases: number;
  warnings: ReportWarning[];
}

/**
 * Reads a stream to its end, keeping at most `maxBytes`: null when it was longer (it is
 * still read to the end, so the archive it comes from can move on to its next entry).
 */
export async function readCapped(stream: Readable, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
    else chunks.length = 0;
  }
  return size <= maxBytes ? Buffer.concat(chunks, size) : null;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/**
 * Test reports: `ingest` is what the job-files upload route calls with the JUnit files
 * (matched by the job's `reports.junit`) of one job attempt. Every file is parsed on its own;
 * one that cannot be read (malformed, not JUnit, too big) becomes a warning on the job and
 * the others still count. `ingest` never throws for what is in the files — only when the
 * upload itself breaks (a stream error) or the database fails, and then it stores nothing.
 */
export function createTestReports(deps: { repo: TestReportsRepo; maxFileBytes?: number }) {
  const maxFileBytes = deps.maxFileBytes ?? REPORT_MAX_BYTES;
  return {
    async ingest(source: ReportSource, entries: AsyncIterable<ReportEntry>): Promise<IngestSummary> {
      const cases: ParsedTestCase[] = [];
      const warnings: ReportWarning[] = [];
      const warn = (file: string, message: string) =>
        warnings.push({ file: file.slice(0, 1024), message: message.slice(0, WARNING_MAX_CHARS) });
      let files = 0;
      let truncated = false;
      for await (const entry of entries) {
        files++;
        const content = await readCapped(entry.stream, maxFileBytes);
        if (content === null) {
          warn(entry.path, `not read: larger than ${mib(maxFileBytes)}`);
          continue;
        }
        const result = parseJUnitReport(content.toString('utf8'));
        if (!result.ok) {
          warn(entry.path, result.message);
          continue;
        }
        const room = CASES_MAX_PER_JOB - cases.length;
        if (result.cases.length > room && !truncated) {
          truncated = true;
          warn(entry.path, `only the job's first ${CASES_MAX_PER_JOB} test cases are kept`);
        }
        for (const c of result.cases.slice(0, room)) cases.push(c);
      }
      await deps.repo.replace(source.jobRunId, cases, warnings);
      return { files, cases: cases.length, warnings };
    },
  };
}

export type TestReports = ReturnType<typeof createTestReports>;

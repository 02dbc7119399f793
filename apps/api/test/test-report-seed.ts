// Stores JUnit reports for a job of a finished run through `testReports.ingest`, as the
// job-files upload route does, for tests (the browser tests) that run the server in another
// process and have only its database.
import { Readable } from 'node:stream';
import { openDatabase } from '@slipway/db';
import { createTestReports, type IngestSummary } from '../src/modules/test-reports/report-ingest.ts';
import { createTestReportsRepo } from '../src/modules/test-reports/test-reports.repo.ts';

/** The job of a run whose reports are stored (its latest attempt). */
export interface ReportTarget {
  workspace: string;
  project: string;
  pipeline: string;
  number: number;
  job: string;
}

/** Ingests `files` (path → XML text) as the latest attempt of the job's upload. */
export async function ingestTestReports(
  databaseUrl: string,
  target: ReportTarget,
  files: Record<string, string>,
): Promise<IngestSummary> {
  const db = await openDatabase({ databaseUrl, dataDir: '/nonexistent' });
  try {
    const job = await db.prisma.jobRun.findFirstOrThrow({
      where: {
        name: target.job,
        run: {
          number: target.number,
          pipeline: {
            name: target.pipeline,
            project: { slug: target.project, workspace: { slug: target.workspace } },
          },
        },
      },
      orderBy: { attempt: 'desc' },
      select: { id: true, runId: true, run: { select: { pipelineId: true } } },
    });
    async function* entries() {
      for (const [path, text] of Object.entries(files)) {
        const content = Buffer.from(text);
        yield { path, size: content.length, stream: Readable.from([content]) };
      }
    }
    return await createTestReports({ repo: createTestReportsRepo(db.prisma) }).ingest(
      { jobRunId: job.id, runId: job.runId, pipelineId: job.run.pipelineId },
      entries(),
    );
  } finally {
    await db.close();
  }
}

import type { PipelineRevisionSummarySchema } from '@slipway/contracts';
import type { z } from 'zod';
import type { PipelineRef } from '../../../app/paths.ts';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { usePipelineRevisions } from '../api/pipelines.ts';

type PipelineRevisionSummary = z.infer<typeof PipelineRevisionSummarySchema>;

const COLUMNS: readonly ListColumn<PipelineRevisionSummary>[] = [
  { header: 'Revision', cell: (revision) => revision.number },
  { header: 'By', cell: (revision) => revision.author },
  { header: 'When', cell: (revision) => new Date(revision.createdAt).toLocaleString() },
  { header: 'Message', className: 'muted', cell: (revision) => revision.message },
];

/** A pipeline's saved revisions, newest first: number, author, time and message. */
export function RevisionsTable({ target }: { target: PipelineRef }) {
  const revisions = usePipelineRevisions(target.workspace, target.project, target.pipeline);
  return (
    <ListSection
      label="Revisions"
      query={revisions}
      errorTitle="Cannot list revisions"
      items={revisions.data?.items}
      columns={COLUMNS}
      rowKey={(revision) => String(revision.number)}
      empty={{ title: 'No revisions.' }}
    />
  );
}

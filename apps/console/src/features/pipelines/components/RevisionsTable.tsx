import type { PipelineRef } from '../../../app/paths.ts';
import { usePipelineRevisions } from '../api/pipelines.ts';

/** A pipeline's saved revisions, newest first: number, author, time and message. */
export function RevisionsTable({ target }: { target: PipelineRef }) {
  const revisions = usePipelineRevisions(target.workspace, target.project, target.pipeline);
  return (
    <div className="table-scroll">
      <table className="table" aria-label="Revisions">
        <thead>
          <tr>
            <th>Revision</th>
            <th>By</th>
            <th>When</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {(revisions.data?.items ?? []).map((revision) => (
            <tr key={revision.number}>
              <td>{revision.number}</td>
              <td>{revision.author}</td>
              <td>{new Date(revision.createdAt).toLocaleString()}</td>
              <td className="muted">{revision.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

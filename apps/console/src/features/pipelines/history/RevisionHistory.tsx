import type { Pipeline, PipelineRevisionSummarySchema } from '@slipway/contracts';
import { useState } from 'react';
import type { z } from 'zod';
import type { PipelineRef } from '../../../app/paths.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Gate } from '../../../components/Gate.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { SelectField, TextField } from '../../../components/TextField.tsx';
import { usePipelineRevisions, useRestoreRevision } from '../api/pipelines.ts';
import { REVISION_MESSAGE_MAX } from '../components/SaveRevisionDialog.tsx';
import { RevisionDiff, RevisionView } from './RevisionPanels.tsx';

type PipelineRevisionSummary = z.infer<typeof PipelineRevisionSummarySchema>;

/** What is shown under the table: one revision, or two side by side. */
type Shown = { kind: 'view'; number: number } | { kind: 'diff'; from: number; to: number } | null;

/**
 * A pipeline's revision history, newest first (number, author, time, message): view any
 * revision read-only, diff two, restore one (a NEW revision with its spec, on top of
 * `current`; 409 when someone saved meanwhile). `onRestored` gets the new revision.
 */
export function RevisionHistory(props: {
  target: PipelineRef;
  /** The pipeline's current revision, as this page last read it. */
  current: number;
  onRestored: (saved: Pipeline) => void;
}) {
  const { workspace, project, pipeline } = props.target;
  const revisions = usePipelineRevisions(workspace, project, pipeline);
  const restore = useRestoreRevision(workspace, project, pipeline);
  const [shown, setShown] = useState<Shown>(null);
  const [compare, setCompare] = useState<{ from?: number; to?: number }>({});
  const [restoring, setRestoring] = useState<number | null>(null);
  const [message, setMessage] = useState('');
  const items = revisions.data?.items ?? [];
  const from = compare.from ?? items[1]?.number;
  const to = compare.to ?? items[0]?.number;
  const options = items.map((r) => ({ value: String(r.number), label: `Revision ${r.number}` }));

  const columns: readonly ListColumn<PipelineRevisionSummary>[] = [
    {
      header: 'Revision',
      cell: (r) => (r.number === props.current ? `${r.number} (current)` : r.number),
    },
    { header: 'By', cell: (r) => r.author },
    { header: 'When', cell: (r) => new Date(r.createdAt).toLocaleString() },
    { header: 'Message', className: 'muted', cell: (r) => r.message },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (r) => (
        <span className="actions">
          <button
            type="button"
            className="button"
            aria-label={`View revision ${r.number}`}
            onClick={() => setShown({ kind: 'view', number: r.number })}
          >
            View
          </button>
          {r.number === props.current ? null : (
            <Gate permission="pipeline.edit" workspace={workspace} project={project} mode="disable">
              <button
                type="button"
                className="button"
                aria-label={`Restore revision ${r.number}`}
                onClick={() => setRestoring(r.number)}
              >
                Restore
              </button>
            </Gate>
          )}
        </span>
      ),
    },
  ];

  const closeRestore = () => {
    setRestoring(null);
    setMessage('');
    restore.reset();
  };
  return (
    <>
      {items.length > 1 && from !== undefined && to !== undefined ? (
        <div className="revision-compare">
          <SelectField
            label="Compare revision"
            options={options}
            value={String(from)}
            onChange={(e) => setCompare({ from: Number(e.target.value), to })}
          />
          <SelectField
            label="with revision"
            options={options}
            value={String(to)}
            onChange={(e) => setCompare({ from, to: Number(e.target.value) })}
          />
          <button type="button" className="button" onClick={() => setShown({ kind: 'diff', from, to })}>
            Compare
          </button>
        </div>
      ) : null}
      <ListSection
        label="Revisions"
        query={revisions}
        errorTitle="Cannot list revisions"
        items={revisions.data?.items}
        columns={columns}
        rowKey={(r) => String(r.number)}
        empty={{ title: 'No revisions.' }}
      />
      {shown ? (
        <section className="revision-shown">
          <header className="revision-shown-header">
            <h3>
              {shown.kind === 'view'
                ? `Revision ${shown.number}`
                : `Revision ${shown.from} compared with revision ${shown.to}`}
            </h3>
            <button type="button" className="button" onClick={() => setShown(null)}>
              Close
            </button>
          </header>
          {shown.kind === 'view' ? (
            <RevisionView target={props.target} number={shown.number} />
          ) : (
            <RevisionDiff target={props.target} from={shown.from} to={shown.to} />
          )}
        </section>
      ) : null}
      <Modal title={`Restore revision ${restoring}`} open={restoring !== null} onClose={closeRestore}>
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            if (restoring === null) return;
            restore.mutate(
              { number: restoring, baseRevision: props.current, message: message.trim() },
              {
                onSuccess: (saved) => {
                  closeRestore();
                  props.onRestored(saved);
                },
              },
            );
          }}
        >
          <ErrorNotice error={restore.error} />
          <p>
            Saves revision {props.current + 1} with the spec of revision {restoring}. Unsaved changes in the
            editor are replaced.
          </p>
          <TextField
            label="Message (optional)"
            placeholder={`Restore revision ${restoring}`}
            maxLength={REVISION_MESSAGE_MAX}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
          <div className="form-actions">
            <button type="button" className="button" onClick={closeRestore}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={restore.isPending}>
              {restore.isPending ? 'Restoring…' : 'Restore'}
            </button>
          </div>
        </form>
      </Modal>
    </>
  );
}

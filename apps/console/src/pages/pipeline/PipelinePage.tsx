import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { usePermission } from '../../features/access/api/queries.ts';
import { SaveRevisionDialog } from '../../features/pipelines/components/SaveRevisionDialog.tsx';
import { SpecErrors } from '../../features/pipelines/editor/errors/SpecErrors.tsx';
import { PipelineEditor } from '../../features/pipelines/editor/PipelineEditor.tsx';
import { usePipelineEditor } from '../../features/pipelines/editor/use-pipeline-editor.ts';
import { RevisionHistory } from '../../features/pipelines/history/RevisionHistory.tsx';
import { RunDialog } from '../../features/runs/dialog/RunDialog.tsx';

/** The YAML of one pipeline: edit, check against the server's validator, save as a new revision. */
export function PipelinePage() {
  const params = useParams();
  const target = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    pipeline: params.pipeline ?? '',
  };
  const { workspace, project, pipeline: name } = target;
  const editor = usePipelineEditor(target);
  const { pipeline, validate, save, draft } = editor;
  const canEdit = usePermission('pipeline.edit', { workspace, project });
  const [runDialogOpen, setRunDialogOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  // Kept across a failed save (400, 409), so the next attempt still has it.
  const [message, setMessage] = useState('');

  const data = pipeline.data;
  return (
    <DetailPage
      title={name}
      subtitle={
        data
          ? `Revision ${data.revision}${data.updatedBy ? ` by ${data.updatedBy}` : ''}, ${new Date(data.updatedAt).toLocaleString()}`
          : undefined
      }
      actions={
        <>
          <Link className="button" to={paths.runs(target)}>
            Runs
          </Link>
          <Link className="button" to={paths.schedules(target)}>
            Schedules
          </Link>
          <Gate permission="pipeline.run" workspace={workspace} project={project} mode="disable">
            <button type="button" className="button" onClick={() => setRunDialogOpen(true)}>
              Run
            </button>
          </Gate>
          <button type="button" className="button" onClick={editor.check} disabled={validate.isPending}>
            Check
          </button>
          <Gate permission="pipeline.edit" workspace={workspace} project={project} mode="disable">
            <button
              type="button"
              className="button button-primary"
              disabled={!draft.dirty || save.isPending}
              onClick={() => setSaving(true)}
            >
              {save.isPending ? 'Saving…' : 'Save…'}
            </button>
          </Gate>
        </>
      }
      // Loaded once the text to edit is there (the draft or the stored spec); a failed load
      // leaves no text, and would otherwise spin forever.
      query={{
        isPending: !pipeline.error && (pipeline.isPending || draft.text === null),
        error: pipeline.error,
        refetch: pipeline.refetch,
      }}
      errorTitle="Cannot open pipeline"
    >
      {() =>
        data && draft.text !== null ? (
          <>
            <RunDialog target={target} open={runDialogOpen} onClose={() => setRunDialogOpen(false)} />
            <SaveRevisionDialog
              open={saving}
              next={data.revision + 1}
              message={message}
              onMessageChange={setMessage}
              onClose={() => setSaving(false)}
              onSave={() => {
                setSaving(false);
                editor.saveRevision(message, () => setMessage(''));
              }}
            />
            {draft.restored && draft.dirty ? (
              <div className="notice notice-info" role="status">
                Your unsaved changes were restored (started from revision {draft.base}).{' '}
                <button type="button" className="link-button" onClick={draft.discard}>
                  Discard them
                </button>
              </div>
            ) : null}
            {save.error instanceof ApiError && save.error.statusCode === 409 ? (
              <ErrorNotice error={save.error} title="Someone saved meanwhile" />
            ) : null}
            {save.error && !(save.error instanceof ApiError && [400, 409].includes(save.error.statusCode)) ? (
              <ErrorNotice error={save.error} />
            ) : null}
            {editor.valid ? <div className="notice notice-info">The spec is valid.</div> : null}
            <SpecErrors errors={editor.specErrors} />
            <PipelineEditor
              target={target}
              pipeline={data}
              text={draft.text}
              onChange={draft.setText}
              canEdit={canEdit.allowed}
            />
            <h2>Revisions</h2>
            <RevisionHistory target={target} current={data.revision} onRestored={editor.showSaved} />
          </>
        ) : null
      }
    </DetailPage>
  );
}

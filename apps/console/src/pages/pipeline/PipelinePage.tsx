import { templateRefOf } from '@slipway/pipeline';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { usePermission } from '../../features/access/api/queries.ts';
import {
  usePipeline,
  usePipelineRevisions,
  useSavePipeline,
  useValidatePipeline,
} from '../../features/pipelines/api/pipelines.ts';
import { RunDialog } from '../../features/runs/components/RunDialog.tsx';
import { diagnosePipeline } from './diagnostics.ts';
import { loadDraft, saveDraft, useLeaveWarning } from './draft.ts';
import { withDocLinks } from './json-schema.ts';
import { PipelineCanvas } from './LazyPipelineCanvas.tsx';
import { YamlEditor } from './LazyYamlEditor.tsx';
import { usePipelineJsonSchema } from './pipeline-schema.ts';
import { SpecErrors, specErrorsOf } from './SpecErrors.tsx';
import { PIPELINE_MODEL_SUFFIX } from './yaml-editor-props.ts';

/** The YAML of one pipeline: edit, check against the server's validator, save as a new revision. */
export function PipelinePage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const project = params.project ?? '';
  const name = params.pipeline ?? '';
  const pipeline = usePipeline(workspace, project, name);
  const revisions = usePipelineRevisions(workspace, project, name);
  const validate = useValidatePipeline(workspace, project);
  const save = useSavePipeline(workspace, project, name);
  const canEdit = usePermission('pipeline.edit', { workspace, project });
  const draftId = `${workspace}/${project}/${name}`;
  const [text, setText] = useState<string | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [restored, setRestored] = useState(false);
  const [runDialogOpen, setRunDialogOpen] = useState(false);
  const jsonSchema = usePipelineJsonSchema();
  const editorSchema = useMemo(
    () => (jsonSchema.data ? withDocLinks(jsonSchema.data, window.location.origin) : undefined),
    [jsonSchema.data],
  );
  const usesTemplate = useMemo(() => text !== null && templateRefOf(text) !== null, [text]);

  useEffect(() => {
    if (pipeline.data && text === null) {
      const draft = loadDraft(draftId);
      if (draft && draft.text !== pipeline.data.spec) {
        setText(draft.text);
        setBase(draft.base);
        setRestored(true);
      } else {
        setText(pipeline.data.spec);
        setBase(pipeline.data.revision);
      }
    }
  }, [pipeline.data, text, draftId]);

  const dirty = text !== null && pipeline.data !== undefined && text !== pipeline.data.spec;
  useEffect(() => {
    if (text !== null && base !== null) saveDraft(draftId, dirty ? { text, base } : null);
  }, [draftId, text, base, dirty]);
  useLeaveWarning(dirty);

  // Checked first: a failed load leaves no text, and would otherwise spin forever.
  if (pipeline.error) return <ErrorNotice error={pipeline.error} title="Cannot open pipeline" />;
  if (pipeline.isPending || text === null) return <Loading />;
  const saveErrors = specErrorsOf(save.error);
  const shownErrors = saveErrors.length > 0 ? saveErrors : (validate.data?.errors ?? []);

  return (
    <section aria-labelledby="pipeline-title">
      <RunDialog
        target={{ workspace, project, pipeline: name }}
        open={runDialogOpen}
        onClose={() => setRunDialogOpen(false)}
      />
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.project(workspace, project)}>{project}</Link> / <span>{name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="pipeline-title">{name}</h1>
          <p className="muted">
            Revision {pipeline.data.revision}
            {pipeline.data.updatedBy ? ` by ${pipeline.data.updatedBy}` : ''},{' '}
            {new Date(pipeline.data.updatedAt).toLocaleString()}
          </p>
        </div>
        <div className="actions">
          <Link className="button" to={paths.runs({ workspace, project, pipeline: name })}>
            Runs
          </Link>
          <Gate permission="pipeline.run" workspace={workspace} project={project} mode="disable">
            <button type="button" className="button" onClick={() => setRunDialogOpen(true)}>
              Run
            </button>
          </Gate>
          <button
            type="button"
            className="button"
            onClick={() => validate.mutate(text)}
            disabled={validate.isPending}
          >
            Check
          </button>
          <Gate permission="pipeline.edit" workspace={workspace} project={project} mode="disable">
            <button
              type="button"
              className="button button-primary"
              disabled={!dirty || save.isPending}
              onClick={() =>
                save.mutate(
                  { spec: text, baseRevision: base ?? pipeline.data.revision },
                  { onSuccess: (saved) => setBase(saved.revision) },
                )
              }
            >
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          </Gate>
        </div>
      </div>
      {restored && dirty ? (
        <div className="notice notice-info" role="status">
          Your unsaved changes were restored (started from revision {base}).{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setText(pipeline.data.spec);
              setBase(pipeline.data.revision);
              setRestored(false);
            }}
          >
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
      {validate.data?.valid && saveErrors.length === 0 ? (
        <div className="notice notice-info">The spec is valid.</div>
      ) : null}
      <SpecErrors errors={shownErrors} />
      {pipeline.data.template ? (
        <div className="notice notice-info" role="status">
          Uses template{' '}
          <Link to={paths.templates(workspace)}>
            {pipeline.data.template.name}@{pipeline.data.template.version}
          </Link>
          : the canvas shows the expanded pipeline (read-only); edit the short form below.
        </div>
      ) : null}
      <PipelineCanvas
        text={pipeline.data.template && pipeline.data.expanded ? pipeline.data.expanded : text}
        readOnly={!canEdit.allowed || Boolean(pipeline.data.template)}
        onChange={setText}
        schema={jsonSchema.data}
      />
      <YamlEditor
        ariaLabel="Pipeline YAML"
        value={text}
        onChange={setText}
        readOnly={!canEdit.allowed}
        readOnlyMessage="You may read this pipeline but not edit it (that needs pipeline.edit)."
        modelPath={`pipelines/${workspace}/${project}/${name}${usesTemplate ? '.yaml' : PIPELINE_MODEL_SUFFIX}`}
        schema={editorSchema}
        diagnose={diagnosePipeline}
      />
      {pipeline.data.expanded ? (
        <details className="expanded-spec">
          <summary>Expanded pipeline</summary>
          <pre className="spec-editor monospace">{pipeline.data.expanded}</pre>
        </details>
      ) : null}
      <h2>Revisions</h2>
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
    </section>
  );
}

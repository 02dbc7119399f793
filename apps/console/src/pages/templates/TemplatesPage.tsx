import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { NamedSpecForm } from '../../features/pipelines/components/NamedSpecForm.tsx';
import { SpecErrors, specErrorsOf } from '../../features/pipelines/editor/errors/SpecErrors.tsx';
import {
  useCreateTemplate,
  usePublishTemplate,
  useTemplate,
  useTemplates,
  useTemplateVersion,
} from '../../features/templates/api/templates.ts';

const STARTER = `# A shared pipeline: projects use it with "uses: <name>@<version>" and "with:" values.
inputs:
  - name: image
    description: Build image of the jobs
    default: node:24
stages:
  - name: test
    jobs:
      - name: unit
        image: \${{ inputs.image }}
        steps:
          - run: npm ci && npm test
`;

function TemplateDetails({ workspace, name }: { workspace: string; name: string }) {
  const template = useTemplate(workspace, name);
  const latest = useTemplateVersion(workspace, name, template.data?.latestVersion ?? null);
  const publish = usePublishTemplate(workspace, name);
  const [draft, setDraft] = useState<string | null>(null);
  if (!template.data) return <ErrorNotice error={template.error} />;
  const t = template.data;
  return (
    <section className="card template-details" aria-label={`Template ${name}`}>
      <h2>
        {t.name} <span className="badge">v{t.latestVersion}</span>
      </h2>
      {t.description ? <p className="muted">{t.description}</p> : null}
      <h3>Inputs</h3>
      <ul>
        {t.inputs.map((input) => (
          <li key={input.name}>
            <code>{input.name}</code> {input.description ? `— ${input.description}` : null}{' '}
            {input.default !== undefined ? (
              <span className="muted">(default {String(input.default)})</span>
            ) : null}
          </li>
        ))}
      </ul>
      <h3>Used by</h3>
      {t.usages.length === 0 ? <p className="muted">No pipeline uses this template yet.</p> : null}
      <ul aria-label="Used by">
        {t.usages.map((usage) => (
          <li key={`${usage.project}/${usage.pipeline}`}>
            <Link to={paths.pipeline({ workspace, project: usage.project, pipeline: usage.pipeline })}>
              {usage.project}/{usage.pipeline}
            </Link>{' '}
            uses v{usage.version}
            {usage.version < t.latestVersion ? (
              <span className="badge">v{t.latestVersion} available</span>
            ) : null}
          </li>
        ))}
      </ul>
      <h3>Version {t.latestVersion}</h3>
      <SpecErrors errors={specErrorsOf(publish.error)} />
      {publish.error && specErrorsOf(publish.error).length === 0 ? (
        <ErrorNotice error={publish.error} />
      ) : null}
      <textarea
        className="spec-editor spec-editor-small monospace"
        aria-label="Template YAML"
        spellCheck={false}
        value={draft ?? latest.data?.spec ?? ''}
        onChange={(event) => setDraft(event.target.value)}
      />
      <Gate permission="workspace.templates.manage" workspace={workspace}>
        <button
          type="button"
          className="button button-primary"
          disabled={draft === null || publish.isPending}
          onClick={() => draft !== null && publish.mutate(draft, { onSuccess: () => setDraft(null) })}
        >
          Publish as version {t.latestVersion + 1}
        </button>
      </Gate>
    </section>
  );
}

export function TemplatesPage() {
  const workspace = useParams().workspace ?? '';
  const templates = useTemplates(workspace);
  const create = useCreateTemplate(workspace);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const close = () => {
    setCreating(false);
    create.reset();
  };
  return (
    <section aria-labelledby="templates-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> / <span>Pipeline templates</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="templates-title">Pipeline templates</h1>
          <p className="muted">
            The workspace’s shared pipelines. Pipelines pin a version; publishing a new one changes none of
            them.
          </p>
        </div>
        <Gate permission="workspace.templates.manage" workspace={workspace}>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create template
          </button>
        </Gate>
      </div>
      <ErrorNotice error={templates.error} />
      <div className="table-scroll">
        <table className="table" aria-label="Templates">
          <thead>
            <tr>
              <th>Template</th>
              <th>Latest version</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {(templates.data?.items ?? []).map((template) => (
              <tr key={template.name}>
                <td>
                  <button
                    type="button"
                    className="canvas-job-title"
                    onClick={() => setSelected(template.name)}
                  >
                    {template.name}
                  </button>
                </td>
                <td>v{template.latestVersion}</td>
                <td className="muted">{new Date(template.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected ? <TemplateDetails key={selected} workspace={workspace} name={selected} /> : null}
      <Modal title="Create template" open={creating} onClose={close}>
        <NamedSpecForm
          kind="template"
          initialName=""
          initialSpec={STARTER}
          submit={create.mutateAsync}
          onSuccess={(created) => {
            close();
            setSelected(created.name);
          }}
          onCancel={close}
        />
      </Modal>
    </section>
  );
}

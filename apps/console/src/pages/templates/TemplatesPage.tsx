import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Form } from '../../components/form/Form.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
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

/** The latest version's YAML, editable, published as the next version (`useForm`). */
function PublishVersion(props: { workspace: string; name: string; latest: number; spec: string }) {
  const publish = usePublishTemplate(props.workspace, props.name);
  const form = useForm({
    initial: { spec: props.spec },
    submit: (values) => publish.mutateAsync(values.spec),
  });
  // The spec's problems at their lines; any other problem of the spec under the box.
  const lineErrors = specErrorsOf(publish.error);
  const spec = form.field('spec');
  return (
    <Form form={form} label={`Publish ${props.name}`} header={<SpecErrors errors={lineErrors} />}>
      <textarea
        className="spec-editor spec-editor-small monospace"
        aria-label="Template YAML"
        spellCheck={false}
        value={spec.value}
        onChange={(event) => spec.onChange(event.target.value)}
      />
      {spec.error && lineErrors.length === 0 ? <p className="field-error">{spec.error}</p> : null}
      <Gate permission="workspace.templates.manage" workspace={props.workspace}>
        <button type="submit" className="button button-primary" disabled={!form.dirty || form.submitting}>
          Publish as version {props.latest + 1}
        </button>
      </Gate>
    </Form>
  );
}

function TemplateDetails({ workspace, name }: { workspace: string; name: string }) {
  const template = useTemplate(workspace, name);
  const latest = useTemplateVersion(workspace, name, template.data?.latestVersion ?? null);
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
      {latest.data ? (
        // A new version remounts the form with its spec.
        <PublishVersion
          key={t.latestVersion}
          workspace={workspace}
          name={name}
          latest={t.latestVersion}
          spec={latest.data.spec}
        />
      ) : (
        <ErrorNotice error={latest.error} />
      )}
    </section>
  );
}

/** A row of the templates list, as the list endpoint returns it. */
type TemplateSummary = NonNullable<ReturnType<typeof useTemplates>['data']>['items'][number];

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
  const createButton = (label: string, className: string) => (
    <Gate permission="workspace.templates.manage" workspace={workspace}>
      <button type="button" className={className} onClick={() => setCreating(true)}>
        {label}
      </button>
    </Gate>
  );
  const columns: ListColumn<TemplateSummary>[] = [
    {
      header: 'Template',
      cell: (template) => (
        <button type="button" className="canvas-job-title" onClick={() => setSelected(template.name)}>
          {template.name}
        </button>
      ),
    },
    { header: 'Latest version', cell: (template) => `v${template.latestVersion}` },
    {
      header: 'Updated',
      className: 'muted',
      cell: (template) => new Date(template.updatedAt).toLocaleString(),
    },
  ];
  return (
    <ListPage
      title="Pipeline templates"
      description="The workspace’s shared pipelines. Pipelines pin a version; publishing a new one changes none of them."
      actions={createButton('Create template', 'button button-primary')}
      query={templates}
      errorTitle="Cannot list templates"
      items={templates.data?.items}
      columns={columns}
      rowKey={(template) => template.name}
      label="Templates"
      empty={{
        title: 'No templates yet.',
        body: 'A template is a pipeline that projects use by name and version, filling in its inputs.',
        action: createButton('Create the first template', 'button'),
      }}
    >
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
    </ListPage>
  );
}

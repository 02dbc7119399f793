import {
  type CreateWebhookBody,
  WEBHOOK_EVENTS,
  WEBHOOK_PROVIDERS,
  type WebhookEvent,
  type WebhookProvider,
} from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { TextAreaField, TextField } from '../../../components/TextField.tsx';
import { useEnvironments } from '../../environments/api/queries.ts';
import { usePipeline, usePipelines } from '../../pipelines/api/pipelines.ts';
import {
  askedParameters,
  DEFAULT_RELEASE_TYPE,
  releaseTypesOf,
  runnableSpec,
} from '../../runs/dialog/run-form.ts';
import {
  createWebhookBody,
  initialWebhookValues,
  parseParameterLines,
  type WebhookFormValues,
} from '../webhook-form.ts';

const EVENT_LABELS: Record<WebhookEvent, string> = { push: 'Branch pushes', tag: 'Tag pushes' };
const PROVIDER_LABELS: Record<WebhookProvider, string> = { github: 'GitHub', gitlab: 'GitLab' };

function Select(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  error?: string | undefined;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <select id={id} required value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="" disabled>
          Choose…
        </option>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error ? <p className="field-error">{props.error}</p> : null}
    </div>
  );
}

/** A new webhook: which provider and events, which filters, and the run they map to. */
export function WebhookForm(props: {
  workspace: string;
  project: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: CreateWebhookBody) => void;
  onCancel: () => void;
}) {
  const { workspace, project } = props;
  const [values, setValues] = useState<WebhookFormValues>(initialWebhookValues);
  const [problems, setProblems] = useState<string[]>([]);
  const pipelines = usePipelines(workspace, project);
  const environments = useEnvironments(workspace);
  const mapped = usePipeline(workspace, project, values.pipeline);
  const spec = mapped.data ? runnableSpec(mapped.data) : undefined;
  const releaseTypes = spec ? releaseTypesOf(spec) : [];
  const asked = spec ? askedParameters(spec, values.releaseType || DEFAULT_RELEASE_TYPE) : [];
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const parameterErrors = (apiError?.body.details ?? [])
    .filter((detail) => detail.field?.startsWith('body.parameters'))
    .map((detail) => `${detail.field?.replace('body.parameters.', '')}: ${detail.message}`);
  const set = <K extends keyof WebhookFormValues>(key: K, value: WebhookFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const text = (key: 'name' | 'branches' | 'tags' | 'paths' | 'parameters' | 'secret') => ({
    value: values[key],
    onChange: (event: { target: { value: string } }) => set(key, event.target.value),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseParameterLines(values.parameters, asked);
    setProblems(parsed.problems);
    if (parsed.problems.length > 0) return;
    // A pipeline without release types runs every stage under the default one.
    const releaseType = releaseTypes.length === 0 ? DEFAULT_RELEASE_TYPE : values.releaseType;
    props.onSubmit(createWebhookBody({ ...values, releaseType }, parsed.values));
  };

  return (
    <form onSubmit={submit} className="form" aria-label="create webhook">
      <ErrorNotice error={props.error} />
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        hint="e.g. github-main"
        error={apiError?.fieldError('body.name')}
        {...text('name')}
      />
      <Select
        label="Provider"
        value={values.provider}
        options={WEBHOOK_PROVIDERS.map((p) => ({ value: p, label: PROVIDER_LABELS[p] }))}
        error={apiError?.fieldError('body.provider')}
        onChange={(value) => set('provider', value === 'gitlab' ? 'gitlab' : 'github')}
      />
      <fieldset className="fieldset">
        <legend>Events that start runs</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} className="checkbox">
            <input
              type="checkbox"
              checked={values.events.includes(event)}
              onChange={(change) =>
                set(
                  'events',
                  WEBHOOK_EVENTS.filter((e) =>
                    e === event ? change.target.checked : values.events.includes(e),
                  ),
                )
              }
            />
            {EVENT_LABELS[event]}
          </label>
        ))}
        {apiError?.fieldError('body.events') ? (
          <p className="field-error">{apiError.fieldError('body.events')}</p>
        ) : null}
      </fieldset>
      <TextAreaField
        label="Branches"
        name="branches"
        hint="One glob per line (* within a segment, ** across); empty: every branch."
        error={apiError?.fieldError('body.branches')}
        {...text('branches')}
      />
      <TextAreaField
        label="Tags"
        name="tags"
        hint="One glob per line, e.g. v*; empty: every tag."
        error={apiError?.fieldError('body.tags')}
        {...text('tags')}
      />
      <TextAreaField
        label="Changed paths"
        name="paths"
        hint="Branch pushes run only when a changed file matches one of these globs; empty: any change."
        error={apiError?.fieldError('body.paths')}
        {...text('paths')}
      />
      <Select
        label="Pipeline"
        value={values.pipeline}
        options={(pipelines.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))}
        error={apiError?.fieldError('body.pipeline')}
        onChange={(value) => setValues((v) => ({ ...v, pipeline: value, releaseType: '' }))}
      />
      {releaseTypes.length > 0 ? (
        <Select
          label="Release type"
          value={values.releaseType}
          options={releaseTypes.map((name) => ({ value: name, label: name }))}
          error={apiError?.fieldError('body.releaseType')}
          onChange={(value) => set('releaseType', value)}
        />
      ) : null}
      <Select
        label="Environment"
        value={values.environment}
        options={(environments.data?.items ?? []).map((e) => ({
          value: e.name,
          label: e.production ? `${e.name} (production)` : e.name,
        }))}
        error={apiError?.fieldError('body.environment')}
        onChange={(value) => set('environment', value)}
      />
      <TextAreaField
        label="Parameters"
        name="parameters"
        placeholder="name=value"
        hint={
          asked.length > 0
            ? `One name=value per line. This release type asks for: ${asked.map((p) => p.name).join(', ')}.`
            : 'One name=value per line.'
        }
        error={[...problems, ...parameterErrors].join('; ') || undefined}
        {...text('parameters')}
      />
      <TextField
        label="Secret"
        name="secret"
        autoComplete="off"
        hint="Leave empty to generate one; it is shown once, after saving."
        error={apiError?.fieldError('body.secret')}
        {...text('secret')}
      />
      <FormActions submitLabel="Create webhook" pending={props.pending} onCancel={props.onCancel} />
    </form>
  );
}

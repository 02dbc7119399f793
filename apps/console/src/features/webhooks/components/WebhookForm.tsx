import {
  type CreateWebhookBody,
  WEBHOOK_EVENTS,
  WEBHOOK_PROVIDERS,
  type WebhookEvent,
  type WebhookProvider,
} from '@slipway/contracts';
import type { Parameter } from '@slipway/pipeline';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { SelectInput, TextAreaInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useEnvironments } from '../../environments/api/queries.ts';
import { usePipeline, usePipelines } from '../../pipelines/api/pipelines.ts';
import { RunTargetFields } from '../../runs/components/RunTargetFields.tsx';
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
  runTargetOf,
  type WebhookFormValues,
} from '../webhook-form.ts';

const EVENT_LABELS: Record<WebhookEvent, string> = { push: 'Branch pushes', tag: 'Tag pushes' };
const PROVIDER_LABELS: Record<WebhookProvider, string> = { github: 'GitHub', gitlab: 'GitLab' };

/** A new webhook: which provider and events, which filters, and the run they map to. */
export function WebhookForm<R>(props: {
  workspace: string;
  project: string;
  /** Sends the body (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (body: CreateWebhookBody) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const { workspace, project } = props;
  const pipelines = usePipelines(workspace, project);
  const environments = useEnvironments(workspace);
  const form = useForm<WebhookFormValues, R>({
    initial: initialWebhookValues(),
    validate: (values) => ({
      parameters: parseParameterLines(values.parameters, asked).problems.join('; ') || undefined,
    }),
    submit: (values) => {
      const { releaseType, parameters } = runTargetOf(values, releaseTypes, asked);
      return props.submit(createWebhookBody({ ...values, releaseType }, parameters));
    },
    onSuccess: props.onSuccess,
  });
  const { values } = form;
  const mapped = usePipeline(workspace, project, values.pipeline);
  const spec = mapped.data ? runnableSpec(mapped.data) : undefined;
  const releaseTypes = spec ? releaseTypesOf(spec) : [];
  const asked: Parameter[] = spec ? askedParameters(spec, values.releaseType || DEFAULT_RELEASE_TYPE) : [];
  const eventsError = form.error('events');

  return (
    <Form form={form} label="create webhook">
      <TextInput label="Name" required autoFocus hint="e.g. github-main" field={form.field('name')} />
      <SelectInput
        label="Provider"
        required
        options={WEBHOOK_PROVIDERS.map((p) => ({ value: p, label: PROVIDER_LABELS[p] }))}
        field={{
          ...form.field('provider'),
          onChange: (value) => form.set('provider', value === 'gitlab' ? 'gitlab' : 'github'),
        }}
      />
      <fieldset className="fieldset">
        <legend>Events that start runs</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} className="checkbox">
            <input
              type="checkbox"
              checked={values.events.includes(event)}
              onChange={(change) =>
                form.set(
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
        {eventsError ? <p className="field-error">{eventsError}</p> : null}
      </fieldset>
      <TextAreaInput
        label="Branches"
        hint="One glob per line (* within a segment, ** across); empty: every branch."
        field={form.field('branches')}
      />
      <TextAreaInput
        label="Tags"
        hint="One glob per line, e.g. v*; empty: every tag."
        field={form.field('tags')}
      />
      <TextAreaInput
        label="Changed paths"
        hint="Branch pushes run only when a changed file matches one of these globs; empty: any change."
        field={form.field('paths')}
      />
      <SelectInput
        label="Pipeline"
        required
        placeholder="Choose…"
        options={(pipelines.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))}
        field={{
          ...form.field('pipeline'),
          onChange: (pipeline) => form.update({ pipeline, releaseType: '' }),
        }}
      />
      <RunTargetFields
        releaseTypes={releaseTypes}
        environments={environments.data?.items ?? []}
        asked={asked}
        releaseType={form.field('releaseType')}
        environment={form.field('environment')}
        parameters={form.field('parameters')}
      />
      <TextInput
        label="Secret"
        autoComplete="off"
        hint="Leave empty to generate one; it is shown once, after saving."
        field={form.field('secret')}
      />
      <FormActions submitLabel="Create webhook" pending={form.submitting} onCancel={props.onCancel} />
    </Form>
  );
}

import type { CreateScheduleBody } from '@slipway/contracts';
import type { Parameter } from '@slipway/pipeline';
import type { PipelineRef } from '../../../app/paths.ts';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { CheckboxInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useEnvironments } from '../../environments/api/queries.ts';
import { usePipeline } from '../../pipelines/api/pipelines.ts';
import { RunTargetFields } from '../../runs/components/RunTargetFields.tsx';
import {
  askedParameters,
  DEFAULT_RELEASE_TYPE,
  releaseTypesOf,
  runnableSpec,
} from '../../runs/dialog/run-form.ts';
import { parseParameterLines, runTargetOf } from '../../webhooks/webhook-form.ts';
import { type ScheduleFormValues, scheduleBody } from '../schedule-form.ts';

/**
 * A schedule's cron, time zone and the run it starts. The API checks it as a run would be
 * checked; its refusals show at their fields (`body.cron`, `body.timezone`, `body.parameters.x`).
 */
export function ScheduleForm<R>(props: {
  target: PipelineRef;
  initial: ScheduleFormValues;
  submitLabel: string;
  /** Sends the body (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (body: CreateScheduleBody) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const { target } = props;
  const pipeline = usePipeline(target.workspace, target.project, target.pipeline);
  const environments = useEnvironments(target.workspace);
  const spec = pipeline.data ? runnableSpec(pipeline.data) : undefined;
  const releaseTypes = spec ? releaseTypesOf(spec) : [];
  const form = useForm<ScheduleFormValues, R>({
    initial: props.initial,
    validate: (values) => ({
      parameters: parseParameterLines(values.parameters, asked).problems.join('; ') || undefined,
    }),
    submit: (values) => {
      const { releaseType, parameters } = runTargetOf(values, releaseTypes, asked);
      return props.submit(scheduleBody({ ...values, releaseType }, parameters));
    },
    onSuccess: props.onSuccess,
  });
  const { values } = form;
  const asked: Parameter[] = spec ? askedParameters(spec, values.releaseType || DEFAULT_RELEASE_TYPE) : [];

  return (
    <Form form={form} label="schedule">
      <TextInput
        label="Cron"
        required
        autoFocus
        hint="minute hour day-of-month month day-of-week (e.g. 0 2 * * 1-5), or six fields with seconds first"
        field={form.field('cron')}
      />
      <TextInput
        label="Time zone"
        required
        hint="An IANA time zone, e.g. Europe/Berlin or UTC: the cron's times are read there, summer time included"
        field={form.field('timezone')}
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
        label="Branch or tag"
        hint="Empty: the project's branch. A tag as refs/tags/<name>."
        field={form.field('ref')}
      />
      <CheckboxInput label="Enabled" field={form.field('enabled')} />
      <FormActions submitLabel={props.submitLabel} pending={form.submitting} onCancel={props.onCancel} />
    </Form>
  );
}

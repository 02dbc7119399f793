import type { Run } from '@slipway/contracts';
import type { PipelineSpec } from '@slipway/pipeline';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { SelectInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { Loading } from '../../../components/Loading.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { usePermission } from '../../access/api/queries.ts';
import { useEnvironments } from '../../environments/api/queries.ts';
import { usePipeline } from '../../pipelines/api/pipelines.ts';
import { newIdempotencyKey } from '../api/idempotency-key.ts';
import type { PipelineRef } from '../api/keys.ts';
import { useCreateRun } from '../api/mutations.ts';
import { useLatestRun } from '../api/queries.ts';
import { ParameterField } from './ParameterField.tsx';
import {
  askedParameters,
  DEFAULT_RELEASE_TYPE,
  initialParameterInputs,
  parameterPath,
  parameterValues,
  type RunFormValues,
  releaseTypesOf,
  runnableSpec,
  valuesFromRun,
} from './run-form.ts';

/** Environments this user may run in: production ones need deploy.production. */
function useRunnableEnvironments(workspace: string, project: string) {
  const environments = useEnvironments(workspace);
  const scope = { workspace, project };
  const nonProduction = usePermission('deploy.nonproduction', scope);
  const production = usePermission('deploy.production', scope);
  const all = environments.data?.items ?? [];
  const allowed = all.filter((env) => (env.production ? production.allowed : nonProduction.allowed));
  return {
    all: all.map((env) => env.name),
    allowed: allowed.map((env) => env.name),
    hidden: all.length - allowed.length,
    loading: environments.isPending || nonProduction.loading || production.loading,
    error: environments.error,
  };
}

function RunForm(props: { target: PipelineRef; spec: PipelineSpec; onClose: () => void }) {
  const { target, spec } = props;
  const navigate = useNavigate();
  const environments = useRunnableEnvironments(target.workspace, target.project);
  const latest = useLatestRun(target);
  const create = useCreateRun(target);
  // One key per opening of the dialog: a double click or a resend never starts two runs.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const releaseTypes = releaseTypesOf(spec);
  const defaultEnvironment = environments.allowed[0] ?? '';
  const form = useForm<RunFormValues, Run>({
    initial: {
      releaseType: releaseTypes[0] ?? DEFAULT_RELEASE_TYPE,
      environment: '',
      ref: '',
      parameters: initialParameterInputs(askedParameters(spec, releaseTypes[0] ?? DEFAULT_RELEASE_TYPE)),
    },
    submit: (chosen) =>
      create.mutateAsync({
        idempotencyKey,
        body: {
          releaseType: chosen.releaseType,
          environment: chosen.environment || defaultEnvironment,
          parameters: parameterValues(askedParameters(spec, chosen.releaseType), chosen.parameters),
          ...(chosen.ref.trim() ? { ref: chosen.ref.trim() } : {}),
        },
      }),
    onSuccess: (run) => navigate(paths.run({ ...target, number: run.number })),
  });
  const { values } = form;
  const [notice, setNotice] = useState<string>();
  const environment = values.environment || defaultEnvironment;
  const asked = useMemo(() => askedParameters(spec, values.releaseType), [spec, values.releaseType]);

  const chooseReleaseType = (releaseType: string) => {
    // Values typed for a parameter that the new release type also asks for are kept.
    const initial = initialParameterInputs(askedParameters(spec, releaseType));
    form.update({
      releaseType,
      parameters: Object.fromEntries(
        Object.entries(initial).map(([name, value]) => [name, values.parameters[name] ?? value]),
      ),
    });
  };

  // Fills the form in for review; nothing starts until "Start run".
  const fillFromLast = (run: Run) => {
    const last = valuesFromRun(spec, run);
    form.reset(last.values);
    setNotice(
      `Filled in from run #${run.number}: review and click Start run.${
        last.missingSecrets.length > 0 ? ` Type the secret ${last.missingSecrets.join(', ')} again.` : ''
      }`,
    );
  };

  const lastRun = latest.data;
  // Offered only when the last run's release type still exists and this user may run in its environment.
  const sameReleaseType =
    lastRun && (releaseTypes.length === 0 || releaseTypes.includes(lastRun.releaseType));
  const canRerun = sameReleaseType && environments.allowed.includes(lastRun.environment);
  const rerunElsewhere = sameReleaseType && !environments.loading && !canRerun;
  const environmentError =
    form.error('environment') ??
    (!environments.loading && environments.allowed.length === 0
      ? 'There is no environment you may run in.'
      : undefined);
  return (
    <Form form={form} className="form run-form" label="run pipeline">
      {canRerun ? (
        <div className="run-rerun">
          <button
            type="button"
            className="button"
            disabled={form.submitting}
            onClick={() => fillFromLast(lastRun)}
          >
            Fill in the last values
          </button>
          <span className="muted small">
            #{lastRun.number}: {lastRun.releaseType} in {lastRun.environment}
          </span>
        </div>
      ) : null}
      {rerunElsewhere ? (
        <p className="muted small" data-testid="rerun-unavailable">
          The last run, #{lastRun.number}, ran in {lastRun.environment}, where you may not run.
        </p>
      ) : null}
      {notice ? (
        <p className="notice notice-info" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNotice error={environments.error} title="Cannot list environments" />
      {releaseTypes.length > 0 ? (
        <SelectInput
          label="Release type"
          field={{ ...form.field('releaseType'), onChange: chooseReleaseType }}
          options={releaseTypes.map((name) => ({
            value: name,
            label: spec.releaseTypes?.[name]?.description
              ? `${name} — ${spec.releaseTypes[name].description}`
              : name,
          }))}
        />
      ) : (
        <p className="muted small">This pipeline names no release types: every stage runs.</p>
      )}
      <SelectInput
        label="Environment"
        field={{ ...form.field('environment'), value: environment, error: environmentError }}
        disabled={environments.allowed.length === 0}
        options={environments.allowed.map((name) => ({ value: name, label: name }))}
        {...(environments.hidden > 0
          ? {
              hint: `${environments.hidden} production environment${environments.hidden === 1 ? '' : 's'} hidden: you may not deploy to production here.`,
            }
          : {})}
      />
      {asked.length > 0 ? (
        <fieldset className="fieldset">
          <legend>Parameters of {values.releaseType}</legend>
          {asked.map((parameter) => (
            <ParameterField
              key={parameter.name}
              parameter={parameter}
              value={values.parameters[parameter.name]}
              environments={environments.all}
              error={form.error(parameterPath(parameter.name))}
              onChange={(value) => form.set('parameters', { ...values.parameters, [parameter.name]: value })}
            />
          ))}
        </fieldset>
      ) : null}
      <TextInput
        label="Branch or tag"
        field={form.field('ref')}
        placeholder="the project's default branch"
        hint="A branch name, or refs/tags/<name> to build a tag"
      />
      <FormActions
        submitLabel="Start run"
        pending={form.submitting || create.isSuccess}
        pendingLabel="Starting…"
        onCancel={props.onClose}
      />
    </Form>
  );
}

/** "Run": release type, environment, that release type's parameters, optional branch. */
export function RunDialog(props: { target: PipelineRef; open: boolean; onClose: () => void }) {
  const { workspace, project, pipeline } = props.target;
  const definition = usePipeline(workspace, project, pipeline);
  const spec = definition.data ? runnableSpec(definition.data) : undefined;
  return (
    <Modal title={`Run ${pipeline}`} open={props.open} onClose={props.onClose}>
      {definition.isPending ? <Loading /> : null}
      <ErrorNotice error={definition.error} />
      {definition.data && !spec ? (
        <p className="notice notice-error">The pipeline has errors: fix them on the pipeline page first.</p>
      ) : null}
      {spec ? <RunForm target={props.target} spec={spec} onClose={props.onClose} /> : null}
    </Modal>
  );
}

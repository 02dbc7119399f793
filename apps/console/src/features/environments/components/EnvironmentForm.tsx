import type { Environment } from '@slipway/contracts';
import { Form, SaveActions } from '../../../components/form/Form.tsx';
import { CheckboxInput, NumberInput, SelectInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

export type EnvironmentFormValues = {
  name: string;
  cluster: string;
  namespace: string;
  order: number;
  production: boolean;
  requiredApprovals: number;
  approverRole: string;
  allowSelfApproval: boolean;
  /** Releases per project, besides the live one, whose ConfigMaps are kept (0–1000). */
  retainReleases: number;
};

/** How many releases keep their ConfigMaps when the form does not say (the API's default). */
export const DEFAULT_RETAIN_RELEASES = 10;

export function initialEnvironmentValues(environment?: Environment): EnvironmentFormValues {
  return environment
    ? {
        name: environment.name,
        cluster: environment.cluster ?? '',
        namespace: environment.namespace ?? '',
        order: environment.order,
        production: environment.production,
        ...environment.approvalPolicy,
        retainReleases: environment.retainReleases,
      }
    : {
        name: '',
        cluster: '',
        namespace: '',
        order: 0,
        production: false,
        requiredApprovals: 0,
        approverRole: 'operator',
        allowSelfApproval: true,
        retainReleases: DEFAULT_RETAIN_RELEASES,
      };
}

/** The approval policy as the API takes it (nested in both the create and the update body). */
export function approvalPolicyOf(values: EnvironmentFormValues) {
  return {
    requiredApprovals: values.requiredApprovals,
    approverRole: values.approverRole,
    allowSelfApproval: values.allowSelfApproval,
  };
}

/** Where the API reports the approval policy's values (they are nested in the request body). */
const POLICY_PATHS = {
  requiredApprovals: 'approvalPolicy.requiredApprovals',
  approverRole: 'approvalPolicy.approverRole',
  allowSelfApproval: 'approvalPolicy.allowSelfApproval',
} as const;

/**
 * Environment placement and approval policy. `clusters` is the list an admin sees; for
 * others it is unknown and the cluster is typed by name.
 */
export function EnvironmentForm<R>(props: {
  mode: 'create' | 'edit';
  initial: EnvironmentFormValues;
  clusters: string[] | undefined;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: EnvironmentFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: props.initial,
    submit: props.submit,
    onSuccess: props.onSuccess,
    paths: POLICY_PATHS,
  });
  return (
    <Form form={form} label={`${props.mode} environment`}>
      {props.mode === 'create' ? (
        <TextInput
          label="Name"
          required
          autoFocus
          hint="dev, test, staging, prod…"
          field={form.field('name')}
        />
      ) : null}
      {props.clusters ? (
        <SelectInput
          label="Cluster"
          placeholder="None — run on the local executor"
          options={props.clusters.map((name) => ({ value: name, label: name }))}
          field={form.field('cluster')}
        />
      ) : (
        <TextInput
          label="Cluster"
          hint="Name of a registered cluster; empty for the local executor."
          field={form.field('cluster')}
        />
      )}
      {form.values.cluster ? (
        <TextInput
          label="Namespace"
          hint="Empty for <workspace>-<environment>. Created if missing."
          field={form.field('namespace')}
        />
      ) : null}
      <NumberInput label="Order in the promotion path" min={0} field={form.field('order')} />
      <CheckboxInput
        label="Production"
        field={{
          ...form.field('production'),
          // Production gets the safe policy unless the user changes it afterwards.
          onChange: (production) =>
            form.update(
              production && props.mode === 'create'
                ? { production, requiredApprovals: 1, allowSelfApproval: false }
                : { production },
            ),
        }}
      />
      <NumberInput
        label="Releases whose ConfigMaps are kept"
        min={0}
        hint="Per project, besides the live release (0–1000). ConfigMaps of older releases are garbage-collected from the cluster."
        field={form.field('retainReleases')}
      />
      <fieldset className="fieldset">
        <legend>Approval policy</legend>
        <NumberInput label="Required approvals" min={0} max={10} field={form.field('requiredApprovals')} />
        <TextInput label="Approver role" field={form.field('approverRole')} />
        <CheckboxInput
          label="The person who started a run may approve it"
          field={form.field('allowSelfApproval')}
        />
      </fieldset>
      <SaveActions form={form} mode={props.mode} noun="environment" onCancel={props.onCancel} />
    </Form>
  );
}

import type { Environment } from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { TextField } from '../../../components/TextField.tsx';

export interface EnvironmentFormValues {
  name: string;
  cluster: string;
  namespace: string;
  order: number;
  production: boolean;
  requiredApprovals: number;
  approverRole: string;
  allowSelfApproval: boolean;
}

export function initialEnvironmentValues(environment?: Environment): EnvironmentFormValues {
  return environment
    ? {
        name: environment.name,
        cluster: environment.cluster ?? '',
        namespace: environment.namespace ?? '',
        order: environment.order,
        production: environment.production,
        ...environment.approvalPolicy,
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
      };
}

/**
 * Environment placement and approval policy. `clusters` is the list an admin sees; for
 * others it is unknown and the cluster is typed by name.
 */
export function EnvironmentForm(props: {
  mode: 'create' | 'edit';
  initial: EnvironmentFormValues;
  clusters: string[] | undefined;
  pending: boolean;
  error: unknown;
  onSubmit: (values: EnvironmentFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const clusterId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  const setText =
    (key: 'name' | 'cluster' | 'namespace' | 'approverRole') => (event: { target: { value: string } }) =>
      setValues((v) => ({ ...v, [key]: event.target.value }));
  return (
    <form onSubmit={submit} className="form" aria-label={`${props.mode} environment`}>
      <ErrorNotice error={props.error} />
      {props.mode === 'create' ? (
        <TextField
          label="Name"
          name="name"
          required
          autoFocus
          value={values.name}
          hint="dev, test, staging, prod…"
          error={apiError?.fieldError('body.name')}
          onChange={setText('name')}
        />
      ) : null}
      {props.clusters ? (
        <div className="field">
          <label htmlFor={clusterId}>Cluster</label>
          <select
            id={clusterId}
            value={values.cluster}
            onChange={(event) => setValues((v) => ({ ...v, cluster: event.target.value }))}
          >
            <option value="">None — run on the local executor</option>
            {props.clusters.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          {apiError?.fieldError('body.cluster') ? (
            <p className="field-error">{apiError.fieldError('body.cluster')}</p>
          ) : null}
        </div>
      ) : (
        <TextField
          label="Cluster"
          name="cluster"
          value={values.cluster}
          hint="Name of a registered cluster; empty for the local executor."
          error={apiError?.fieldError('body.cluster')}
          onChange={setText('cluster')}
        />
      )}
      {values.cluster ? (
        <TextField
          label="Namespace"
          name="namespace"
          value={values.namespace}
          hint="Empty for <workspace>-<environment>. Created if missing."
          error={apiError?.fieldError('body.namespace')}
          onChange={setText('namespace')}
        />
      ) : null}
      <TextField
        label="Order in the promotion path"
        name="order"
        type="number"
        min={0}
        value={values.order}
        onChange={(event) => setValues((v) => ({ ...v, order: Number(event.target.value) }))}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.production}
          onChange={(event) => {
            const production = event.target.checked;
            // Production gets the safe policy unless the user changes it afterwards.
            setValues((v) => ({
              ...v,
              production,
              ...(production && props.mode === 'create'
                ? { requiredApprovals: 1, allowSelfApproval: false }
                : {}),
            }));
          }}
        />
        Production
      </label>
      <fieldset className="fieldset">
        <legend>Approval policy</legend>
        <TextField
          label="Required approvals"
          name="requiredApprovals"
          type="number"
          min={0}
          max={10}
          value={values.requiredApprovals}
          error={apiError?.fieldError('body.approvalPolicy.requiredApprovals')}
          onChange={(event) => setValues((v) => ({ ...v, requiredApprovals: Number(event.target.value) }))}
        />
        <TextField
          label="Approver role"
          name="approverRole"
          value={values.approverRole}
          error={apiError?.fieldError('body.approvalPolicy.approverRole')}
          onChange={setText('approverRole')}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.allowSelfApproval}
            onChange={(event) => setValues((v) => ({ ...v, allowSelfApproval: event.target.checked }))}
          />
          The person who started a run may approve it
        </label>
      </fieldset>
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create environment' : 'Save'}
      />
    </form>
  );
}

import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { TextAreaField, TextField } from '../../../components/TextField.tsx';

export interface ClusterFormValues {
  name: string;
  description: string;
  kubeconfig: string;
  context: string;
}

/** Register a cluster: paste a kubeconfig or load it from a file. */
export function ClusterForm(props: {
  pending: boolean;
  error: unknown;
  onSubmit: (values: ClusterFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<ClusterFormValues>({
    name: '',
    description: '',
    kubeconfig: '',
    context: '',
  });
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const set = (key: keyof ClusterFormValues) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  return (
    <form onSubmit={submit} className="form" aria-label="add cluster">
      <ErrorNotice error={props.error} />
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        value={values.name}
        hint="Lowercase letters, digits and “-”, e.g. prod-eu."
        error={apiError?.fieldError('body.name')}
        onChange={set('name')}
      />
      <TextField
        label="Description"
        name="description"
        value={values.description}
        error={apiError?.fieldError('body.description')}
        onChange={set('description')}
      />
      <TextAreaField
        label="Kubeconfig"
        name="kubeconfig"
        required
        rows={8}
        className="monospace"
        value={values.kubeconfig}
        hint="Stored encrypted; never shown again."
        error={apiError?.fieldError('body.kubeconfig')}
        onChange={set('kubeconfig')}
      />
      <label className="file-input">
        Load from a file
        <input
          type="file"
          aria-label="Kubeconfig file"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (file) {
              const kubeconfig = await file.text();
              setValues((v) => ({ ...v, kubeconfig }));
            }
          }}
        />
      </label>
      <TextField
        label="Context"
        name="context"
        value={values.context}
        hint="Leave empty for the kubeconfig's current context."
        error={apiError?.fieldError('body.context')}
        onChange={set('context')}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel="Adding…"
        submitLabel={'Add cluster'}
      />
    </form>
  );
}

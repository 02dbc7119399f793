import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextAreaInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

export type ClusterFormValues = {
  name: string;
  description: string;
  kubeconfig: string;
  context: string;
};

/** Register a cluster: paste a kubeconfig or load it from a file. */
export function ClusterForm<R>(props: {
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: ClusterFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: { name: '', description: '', kubeconfig: '', context: '' },
    submit: props.submit,
    onSuccess: props.onSuccess,
  });
  return (
    <Form form={form} label="add cluster">
      <TextInput
        label="Name"
        required
        autoFocus
        hint="Lowercase letters, digits and “-”, e.g. prod-eu."
        field={form.field('name')}
      />
      <TextInput label="Description" field={form.field('description')} />
      <TextAreaInput
        label="Kubeconfig"
        required
        rows={8}
        className="monospace"
        hint="Stored encrypted; never shown again."
        field={form.field('kubeconfig')}
      />
      <label className="file-input">
        Load from a file
        <input
          type="file"
          aria-label="Kubeconfig file"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (file) form.set('kubeconfig', await file.text());
          }}
        />
      </label>
      <TextInput
        label="Context"
        hint="Leave empty for the kubeconfig's current context."
        field={form.field('context')}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={form.submitting}
        pendingLabel="Adding…"
        submitLabel="Add cluster"
      />
    </Form>
  );
}

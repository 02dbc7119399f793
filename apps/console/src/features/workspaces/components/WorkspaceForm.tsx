import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextAreaInput } from '../../../components/form/fields.tsx';
import { NameSlugFields } from '../../../components/form/NameSlugFields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

export type WorkspaceFormValues = {
  slug: string;
  name: string;
  description: string;
};

/** Create (with slug) or edit (slug fixed) a workspace; server errors appear beside their field. */
export function WorkspaceForm<R>(props: {
  mode: 'create' | 'edit';
  initial?: WorkspaceFormValues;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: WorkspaceFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: props.initial ?? { slug: '', name: '', description: '' },
    submit: props.submit,
    onSuccess: props.onSuccess,
  });
  return (
    <Form form={form} label={`${props.mode} workspace`}>
      <NameSlugFields
        mode={props.mode}
        form={form}
        slugHint="Lowercase letters, digits and “-”; used in URLs and Kubernetes names. Cannot change later."
      />
      <TextAreaInput label="Description" field={form.field('description')} />
      <FormActions
        onCancel={props.onCancel}
        pending={form.submitting}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create workspace' : 'Save'}
      />
    </Form>
  );
}

import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { NameSlugFields } from '../../../components/NameSlugFields.tsx';
import { TextAreaField } from '../../../components/TextField.tsx';

export interface WorkspaceFormValues {
  slug: string;
  name: string;
  description: string;
}

/** Create (with slug) or edit (slug fixed) a workspace; server errors appear beside their field. */
export function WorkspaceForm(props: {
  mode: 'create' | 'edit';
  initial?: WorkspaceFormValues;
  pending: boolean;
  error: unknown;
  onSubmit: (values: WorkspaceFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<WorkspaceFormValues>(
    props.initial ?? { slug: '', name: '', description: '' },
  );
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  return (
    <form onSubmit={submit} className="form" aria-label={`${props.mode} workspace`}>
      <ErrorNotice error={props.error} />
      <NameSlugFields
        mode={props.mode}
        name={values.name}
        slug={values.slug}
        slugHint="Lowercase letters, digits and “-”; used in URLs and Kubernetes names. Cannot change later."
        apiError={apiError}
        onChange={(next) => setValues((v) => ({ ...v, ...next }))}
      />
      <TextAreaField
        label="Description"
        name="description"
        value={values.description}
        error={apiError?.fieldError('body.description')}
        onChange={(event) => setValues((v) => ({ ...v, description: event.target.value }))}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create workspace' : 'Save'}
      />
    </form>
  );
}

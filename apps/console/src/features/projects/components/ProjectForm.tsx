import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { NameSlugFields } from '../../../components/NameSlugFields.tsx';
import { TextAreaField, TextField } from '../../../components/TextField.tsx';

export interface ProjectFormValues {
  slug: string;
  name: string;
  description: string;
  repoUrl: string;
  defaultBranch: string;
}

export function ProjectForm(props: {
  mode: 'create' | 'edit';
  initial?: ProjectFormValues;
  pending: boolean;
  error: unknown;
  onSubmit: (values: ProjectFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<ProjectFormValues>(
    props.initial ?? { slug: '', name: '', description: '', repoUrl: '', defaultBranch: 'main' },
  );
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const set = (key: keyof ProjectFormValues) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  return (
    <form onSubmit={submit} className="form" aria-label={`${props.mode} project`}>
      <ErrorNotice error={props.error} />
      <NameSlugFields
        mode={props.mode}
        name={values.name}
        slug={values.slug}
        slugHint="Lowercase letters, digits and “-”. Cannot change later."
        apiError={apiError}
        onChange={(next) => setValues((v) => ({ ...v, ...next }))}
      />
      <TextAreaField
        label="Description"
        name="description"
        value={values.description}
        error={apiError?.fieldError('body.description')}
        onChange={set('description')}
      />
      <TextField
        label="Repository URL"
        name="repoUrl"
        placeholder="https://git.example.com/team/app.git"
        value={values.repoUrl}
        error={apiError?.fieldError('body.repoUrl')}
        onChange={set('repoUrl')}
      />
      <TextField
        label="Default branch"
        name="defaultBranch"
        value={values.defaultBranch}
        error={apiError?.fieldError('body.defaultBranch')}
        onChange={set('defaultBranch')}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create project' : 'Save'}
      />
    </form>
  );
}

import { type FormEvent, useId, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { NameSlugFields } from '../../../components/NameSlugFields.tsx';
import { TextAreaField, TextField } from '../../../components/TextField.tsx';
import { useCredentials } from '../../credentials/api/queries.ts';

export interface ProjectFormValues {
  slug: string;
  name: string;
  description: string;
  repoUrl: string;
  defaultBranch: string;
  /** Create only: also create a starter pipeline chosen by the repository's type. */
  starterPipeline: boolean;
  /** The name of a git credential of the workspace to check out with; empty: none. */
  gitCredential?: string;
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
    props.initial ?? {
      slug: '',
      name: '',
      description: '',
      repoUrl: '',
      defaultBranch: 'main',
      starterPipeline: false,
      gitCredential: '',
    },
  );
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const set = (key: keyof ProjectFormValues) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));
  const hasRepository = values.repoUrl.trim() !== '';
  // Detection needs a repository: without one the box is off, whatever was ticked before.
  const importing = hasRepository && values.starterPipeline;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit({ ...values, starterPipeline: importing });
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
      <GitCredentialField
        value={values.gitCredential ?? ''}
        error={apiError?.fieldError('body.gitCredential')}
        onChange={(gitCredential) => setValues((v) => ({ ...v, gitCredential }))}
      />
      {props.mode === 'create' ? (
        <StarterPipelineField
          checked={importing}
          disabled={!hasRepository}
          error={apiError?.fieldError('body.starterPipeline')}
          onChange={(starterPipeline) => setValues((v) => ({ ...v, starterPipeline }))}
        />
      ) : null}
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel={importing ? 'Reading the repository…' : 'Saving…'}
        submitLabel={props.mode === 'create' ? 'Create project' : 'Save'}
      />
    </form>
  );
}

/** The workspace's git credentials (the form is always shown under a workspace route). */
function GitCredentialField(props: {
  value: string;
  error: string | undefined;
  onChange: (name: string) => void;
}) {
  const workspace = useParams().workspace ?? '';
  const credentials = useCredentials(workspace);
  const id = useId();
  const names = (credentials.data?.items ?? [])
    .filter((credential) => credential.type === 'git')
    .map((credential) => credential.name);
  // A name that is no longer a git credential stays visible rather than silently changing.
  if (props.value && !names.includes(props.value)) names.push(props.value);
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>Git credential</label>
      <select
        id={id}
        name="gitCredential"
        value={props.value}
        aria-describedby={`${id}-hint`}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">None — the repository is public</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      {props.error ? (
        <p className="field-error" id={`${id}-hint`}>
          {props.error}
        </p>
      ) : (
        <p className="field-hint" id={`${id}-hint`}>
          Username and token to check the repository out with; manage them under the workspace’s Credentials.
        </p>
      )}
    </div>
  );
}

function StarterPipelineField(props: {
  checked: boolean;
  disabled: boolean;
  error: string | undefined;
  onChange: (checked: boolean) => void;
}) {
  const hintId = useId();
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label className="checkbox">
        <input
          type="checkbox"
          name="starterPipeline"
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={hintId}
          onChange={(event) => props.onChange(event.target.checked)}
        />
        Create a starter pipeline from the repository
      </label>
      {props.error ? (
        <p className="field-error" id={hintId}>
          {props.error}
        </p>
      ) : (
        <p className="field-hint" id={hintId}>
          {props.disabled
            ? 'Needs a repository URL.'
            : 'Detects the kind of repository (Node, Maven, Gradle, Go, Python, static site) from its files and creates pipeline ci from the matching workspace template.'}
        </p>
      )}
    </div>
  );
}

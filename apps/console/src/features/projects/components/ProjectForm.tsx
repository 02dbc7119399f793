import { useParams } from 'react-router';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import {
  type Bound,
  CheckboxInput,
  SelectInput,
  TextAreaInput,
  TextInput,
} from '../../../components/form/fields.tsx';
import { NameSlugFields } from '../../../components/form/NameSlugFields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useCredentials } from '../../credentials/api/queries.ts';

export type ProjectFormValues = {
  slug: string;
  name: string;
  description: string;
  repoUrl: string;
  defaultBranch: string;
  /** Create only: also create a starter pipeline chosen by the repository's type. */
  starterPipeline: boolean;
  /** The name of a git credential of the workspace to check out with; empty: none. */
  gitCredential: string;
};

const EMPTY: ProjectFormValues = {
  slug: '',
  name: '',
  description: '',
  repoUrl: '',
  defaultBranch: 'main',
  starterPipeline: false,
  gitCredential: '',
};

/** Detection needs a repository: without one the box is off, whatever was ticked before. */
const importing = (values: ProjectFormValues) => values.repoUrl.trim() !== '' && values.starterPipeline;

export function ProjectForm<R>(props: {
  mode: 'create' | 'edit';
  initial?: ProjectFormValues;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: ProjectFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: props.initial ?? EMPTY,
    submit: (values: ProjectFormValues) => props.submit({ ...values, starterPipeline: importing(values) }),
    onSuccess: props.onSuccess,
  });
  const hasRepository = form.values.repoUrl.trim() !== '';
  return (
    <Form form={form} label={`${props.mode} project`}>
      <NameSlugFields
        mode={props.mode}
        form={form}
        slugHint="Lowercase letters, digits and “-”. Cannot change later."
      />
      <TextAreaInput label="Description" field={form.field('description')} />
      <TextInput
        label="Repository URL"
        placeholder="https://git.example.com/team/app.git"
        field={form.field('repoUrl')}
      />
      <TextInput label="Default branch" field={form.field('defaultBranch')} />
      <GitCredentialField field={form.field('gitCredential')} />
      {props.mode === 'create' ? (
        <CheckboxInput
          label="Create a starter pipeline from the repository"
          disabled={!hasRepository}
          hint={
            hasRepository
              ? 'Detects the kind of repository (Node, Maven, Gradle, Go, Python, static site) from its files and creates pipeline ci from the matching workspace template.'
              : 'Needs a repository URL.'
          }
          field={{ ...form.field('starterPipeline'), value: importing(form.values) }}
        />
      ) : null}
      <FormActions
        onCancel={props.onCancel}
        pending={form.submitting}
        pendingLabel={importing(form.values) ? 'Reading the repository…' : 'Saving…'}
        submitLabel={props.mode === 'create' ? 'Create project' : 'Save'}
      />
    </Form>
  );
}

/** The workspace's git credentials (the form is always shown under a workspace route). */
function GitCredentialField(props: { field: Bound<string> }) {
  const workspace = useParams().workspace ?? '';
  const credentials = useCredentials(workspace);
  const names = (credentials.data?.items ?? [])
    .filter((credential) => credential.type === 'git')
    .map((credential) => credential.name);
  // A name that is no longer a git credential stays visible rather than silently changing.
  if (props.field.value && !names.includes(props.field.value)) names.push(props.field.value);
  return (
    <SelectInput
      label="Git credential"
      placeholder="None — the repository is public"
      options={names.map((name) => ({ value: name, label: name }))}
      hint="Username and token to check the repository out with; manage them under the workspace’s Credentials."
      field={props.field}
    />
  );
}

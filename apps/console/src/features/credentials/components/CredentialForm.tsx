import {
  CREDENTIAL_TYPES,
  type CreateCredentialBody,
  type Credential,
  type CredentialType,
  CredentialTypeSchema,
  type UpdateCredentialBody,
} from '@slipway/contracts';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { SelectInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

export type CredentialFormValues = {
  name: string;
  type: CredentialType;
  description: string;
  username: string;
  server: string;
  secret: string;
};

const TYPE_LABELS: Record<CredentialType, string> = {
  git: 'Git — username and password or access token',
  registry: 'Container registry — server, username and password',
  token: 'Token — one secret value',
};

const SECRET_LABELS: Record<CredentialType, string> = {
  git: 'Password or access token',
  registry: 'Password',
  token: 'Token',
};

/** What the API wants for a new credential: fields the type does not use are left out. */
export function toCreateBody(values: CredentialFormValues): CreateCredentialBody {
  return {
    name: values.name,
    type: values.type,
    ...(values.description ? { description: values.description } : {}),
    ...(values.username ? { username: values.username } : {}),
    ...(values.type === 'registry' && values.server ? { server: values.server } : {}),
    secret: values.secret,
  };
}

/** An empty secret means "keep the stored one"; emptied fields are cleared. */
export function toUpdateBody(values: CredentialFormValues): UpdateCredentialBody {
  return {
    description: values.description || null,
    username: values.username || null,
    ...(values.type === 'registry' ? { server: values.server || null } : {}),
    ...(values.secret ? { secret: values.secret } : {}),
  };
}

/**
 * Creates a credential or changes one. The secret is a password field that starts empty,
 * also when editing: the stored value never comes back from the server.
 */
export function CredentialForm<R>(props: {
  mode: 'create' | 'edit';
  credential?: Credential;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: CredentialFormValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  const initial: CredentialFormValues = {
    name: props.credential?.name ?? '',
    type: props.credential?.type ?? 'git',
    description: props.credential?.description ?? '',
    username: props.credential?.username ?? '',
    server: props.credential?.server ?? '',
    secret: '',
  };
  const form = useForm({
    initial,
    submit: props.submit,
    onSuccess: props.onSuccess,
  });
  const { type } = form.values;
  const usernameRequired = type === 'git' || type === 'registry';
  return (
    <Form form={form} label={`${props.mode} credential`}>
      {props.mode === 'create' ? (
        <>
          <TextInput
            label="Name"
            required
            autoFocus
            hint="Pipelines and projects refer to it by this name: lowercase letters, digits and “-”."
            field={form.field('name')}
          />
          <SelectInput
            label="Type"
            options={CREDENTIAL_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] }))}
            field={{
              ...form.field('type'),
              onChange: (value) => form.set('type', CredentialTypeSchema.parse(value)),
            }}
          />
        </>
      ) : null}
      <TextInput label="Description" field={form.field('description')} />
      {type === 'registry' ? (
        <TextInput
          label="Registry server"
          required
          placeholder="ghcr.io"
          hint="Host and optional port, without https://"
          field={form.field('server')}
        />
      ) : null}
      <TextInput
        label={usernameRequired ? 'Username' : 'Username (optional)'}
        required={usernameRequired}
        autoComplete="off"
        field={form.field('username')}
      />
      <TextInput
        label={SECRET_LABELS[type]}
        type="password"
        required={props.mode === 'create'}
        autoComplete="new-password"
        hint={
          props.mode === 'create'
            ? 'Stored encrypted; it is never shown again.'
            : 'Leave empty to keep the current value, which is never shown.'
        }
        field={form.field('secret')}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={form.submitting}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create credential' : 'Save'}
      />
    </Form>
  );
}

import {
  CREDENTIAL_TYPES,
  type CreateCredentialBody,
  type Credential,
  type CredentialType,
  CredentialTypeSchema,
  type UpdateCredentialBody,
} from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { TextField } from '../../../components/TextField.tsx';

interface CredentialFormValues {
  name: string;
  type: CredentialType;
  description: string;
  username: string;
  server: string;
  secret: string;
}

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
export function CredentialForm(props: {
  mode: 'create' | 'edit';
  credential?: Credential;
  pending: boolean;
  error: unknown;
  onSubmit: (values: CredentialFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<CredentialFormValues>({
    name: props.credential?.name ?? '',
    type: props.credential?.type ?? 'git',
    description: props.credential?.description ?? '',
    username: props.credential?.username ?? '',
    server: props.credential?.server ?? '',
    secret: '',
  });
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const typeId = useId();
  const set = (key: Exclude<keyof CredentialFormValues, 'type'>) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  const usernameRequired = values.type === 'git' || values.type === 'registry';
  return (
    <form onSubmit={submit} className="form" aria-label={`${props.mode} credential`}>
      <ErrorNotice error={props.error} />
      {props.mode === 'create' ? (
        <>
          <TextField
            label="Name"
            name="name"
            required
            autoFocus
            value={values.name}
            hint="Pipelines and projects refer to it by this name: lowercase letters, digits and “-”."
            error={apiError?.fieldError('body.name')}
            onChange={set('name')}
          />
          <div className="field">
            <label htmlFor={typeId}>Type</label>
            <select
              id={typeId}
              name="type"
              value={values.type}
              onChange={(event) =>
                setValues((v) => ({ ...v, type: CredentialTypeSchema.parse(event.target.value) }))
              }
            >
              {CREDENTIAL_TYPES.map((type) => (
                <option key={type} value={type}>
                  {TYPE_LABELS[type]}
                </option>
              ))}
            </select>
            {apiError?.fieldError('body.type') ? (
              <p className="field-error">{apiError.fieldError('body.type')}</p>
            ) : null}
          </div>
        </>
      ) : null}
      <TextField
        label="Description"
        name="description"
        value={values.description}
        error={apiError?.fieldError('body.description')}
        onChange={set('description')}
      />
      {values.type === 'registry' ? (
        <TextField
          label="Registry server"
          name="server"
          required
          placeholder="ghcr.io"
          value={values.server}
          hint="Host and optional port, without https://"
          error={apiError?.fieldError('body.server')}
          onChange={set('server')}
        />
      ) : null}
      <TextField
        label={usernameRequired ? 'Username' : 'Username (optional)'}
        name="username"
        required={usernameRequired}
        autoComplete="off"
        value={values.username}
        error={apiError?.fieldError('body.username')}
        onChange={set('username')}
      />
      <TextField
        label={SECRET_LABELS[values.type]}
        name="secret"
        type="password"
        required={props.mode === 'create'}
        autoComplete="new-password"
        value={values.secret}
        hint={
          props.mode === 'create'
            ? 'Stored encrypted; it is never shown again.'
            : 'Leave empty to keep the current value, which is never shown.'
        }
        error={apiError?.fieldError('body.secret')}
        onChange={set('secret')}
      />
      <FormActions
        onCancel={props.onCancel}
        pending={props.pending}
        pendingLabel="Saving…"
        submitLabel={props.mode === 'create' ? 'Create credential' : 'Save'}
      />
    </form>
  );
}

import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormError } from '../../components/form/FormError.tsx';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import {
  useChangePassword,
  useCreateToken,
  useMySessions,
  useMyTokens,
  useRevokeSession,
  useRevokeToken,
} from '../../features/users/api/me.ts';

function PasswordForm() {
  const change = useChangePassword();
  const empty = { currentPassword: '', newPassword: '' };
  const form = useForm({
    initial: empty,
    submit: change.mutateAsync,
    onSuccess: () => form.reset(empty),
  });
  return (
    <form className="card form" onSubmit={form.onSubmit} aria-label="change password">
      <FormError form={form} />
      {change.isSuccess ? (
        <div className="notice notice-info">Password changed; your other sessions were ended.</div>
      ) : null}
      <TextInput
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        field={form.field('currentPassword')}
      />
      <TextInput
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        field={form.field('newPassword')}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={form.submitting}>
          Change password
        </button>
      </div>
    </form>
  );
}

/** A new API token: its name and scope; the token itself is shown once, above the table. */
function CreateTokenForm(props: { create: ReturnType<typeof useCreateToken> }) {
  const form = useForm<{ name: string; scope: 'read' | 'write' }, unknown>({
    initial: { name: '', scope: 'read' },
    submit: props.create.mutateAsync,
    onSuccess: (_, values) => form.reset({ ...values, name: '' }),
  });
  return (
    <form className="card add-member" aria-label="create token" onSubmit={form.onSubmit}>
      <FormError form={form} />
      <TextInput label="Token name" required field={form.field('name')} />
      <select
        aria-label="Scope"
        name="scope"
        value={form.values.scope}
        onChange={(e) => form.set('scope', e.target.value === 'write' ? 'write' : 'read')}
      >
        <option value="read">read</option>
        <option value="write">write</option>
      </select>
      <button type="submit" className="button button-primary" disabled={form.submitting}>
        Create token
      </button>
    </form>
  );
}

function Tokens() {
  const tokens = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  return (
    <>
      <h2>API tokens</h2>
      <p className="muted">
        Send as <code>Authorization: Bearer …</code>. A token can do what you can, within its scope.
      </p>
      {create.data ? (
        <div className="notice notice-info" role="status">
          New token (copy it now, it is not shown again): <code>{create.data.token}</code>
        </div>
      ) : null}
      <ErrorNotice error={revoke.error} />
      <div className="table-scroll">
        <table className="table" aria-label="API tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(tokens.data?.items ?? []).map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  {token.scope}
                  {token.workspace ? ` · ${token.workspace}` : ''}
                </td>
                <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : 'never'}</td>
                <td className="row-actions">
                  {token.revoked ? (
                    <span className="badge">revoked</span>
                  ) : (
                    <button
                      type="button"
                      className="button button-danger-outline"
                      onClick={() => revoke.mutate(token.id)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CreateTokenForm create={create} />
    </>
  );
}

export function AccountPage() {
  const sessions = useMySessions();
  const revoke = useRevokeSession();
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <h2>Password</h2>
      <PasswordForm />
      <h2>Sessions</h2>
      <ErrorNotice error={sessions.error ?? revoke.error} />
      <div className="table-scroll">
        <table className="table" aria-label="Sessions">
          <thead>
            <tr>
              <th>Signed in</th>
              <th>Last seen</th>
              <th>From</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(sessions.data?.items ?? []).map((session) => (
              <tr key={session.id}>
                <td>{new Date(session.createdAt).toLocaleString()}</td>
                <td>{new Date(session.lastSeenAt).toLocaleString()}</td>
                <td className="small">
                  {session.ipAddress} <span className="muted">{session.userAgent}</span>
                </td>
                <td className="row-actions">
                  {session.current ? (
                    <span className="badge badge-ok">this session</span>
                  ) : (
                    <button
                      type="button"
                      className="button button-danger-outline"
                      onClick={() => revoke.mutate(session.id)}
                    >
                      Sign out
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Tokens />
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { TextField } from '../../components/TextField.tsx';
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
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const apiError = change.error instanceof ApiError ? change.error : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
        },
      },
    );
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="change password">
      <ErrorNotice error={change.error} />
      {change.isSuccess ? (
        <div className="notice notice-info">Password changed; your other sessions were ended.</div>
      ) : null}
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        error={apiError?.fieldError('body.currentPassword')}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        value={next}
        error={apiError?.fieldError('body.newPassword')}
        onChange={(e) => setNext(e.target.value)}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={change.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}

function Tokens() {
  const tokens = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
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
      <ErrorNotice error={create.error ?? revoke.error} />
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
      <form
        className="card add-member"
        aria-label="create token"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, scope }, { onSuccess: () => setName('') });
        }}
      >
        <TextField label="Token name" required value={name} onChange={(e) => setName(e.target.value)} />
        <select
          aria-label="Scope"
          value={scope}
          onChange={(e) => setScope(e.target.value === 'write' ? 'write' : 'read')}
        >
          <option value="read">read</option>
          <option value="write">write</option>
        </select>
        <button type="submit" className="button button-primary">
          Create token
        </button>
      </form>
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

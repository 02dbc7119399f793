import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from '../../features/users/api/users.ts';

function CreateUserForm(props: { onCreated: (invitePath: string | null) => void; onCancel: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [platformAdmin, setPlatformAdmin] = useState(false);
  const apiError = create.error instanceof ApiError ? create.error : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        username,
        platformAdmin,
        ...(displayName ? { displayName } : {}),
        ...(password ? { password } : {}),
      },
      { onSuccess: (created) => props.onCreated(created.invitePath) },
    );
  };
  return (
    <form className="form" onSubmit={submit} aria-label="create user">
      <ErrorNotice error={create.error} />
      <TextField
        label="Username"
        name="username"
        required
        autoFocus
        value={username}
        error={apiError?.fieldError('body.username')}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        label="Display name"
        name="displayName"
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
      />
      <TextField
        label="Initial password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        hint="Leave empty to get a one-time invite link instead."
        error={apiError?.fieldError('body.password')}
        onChange={(e) => setPassword(e.target.value)}
      />
      <label className="checkbox">
        <input type="checkbox" checked={platformAdmin} onChange={(e) => setPlatformAdmin(e.target.checked)} />
        Platform admin
      </label>
      <FormActions
        onCancel={props.onCancel}
        pending={create.isPending}
        pendingLabel="Create user"
        submitLabel={'Create and invite'}
      />
    </form>
  );
}

export function UsersPage() {
  const users = useUsers();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [creating, setCreating] = useState(false);
  const [invite, setInvite] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');

  return (
    <section aria-labelledby="users-title">
      <div className="page-header">
        <div>
          <h1 id="users-title">Users</h1>
          <p className="muted">
            Everyone who can sign in to Slipway. Roles are given per workspace and project.
          </p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </div>
      {invite ? (
        <div className="notice notice-info" role="status">
          Invite link (shown once):{' '}
          <code data-testid="invite-link">{`${window.location.origin}${invite}`}</code>
        </div>
      ) : null}
      {users.isPending ? <Loading /> : null}
      <ErrorNotice error={users.error ?? update.error ?? remove.error} />
      <div className="table-scroll">
        <table className="table" aria-label="Users">
          <thead>
            <tr>
              <th>User</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users.data?.items ?? []).map((user) => (
              <tr key={user.username}>
                <td>
                  <strong>{user.username}</strong>{' '}
                  {user.displayName ? <span className="muted">{user.displayName}</span> : null}{' '}
                  {user.platformAdmin ? <span className="badge badge-prod">platform admin</span> : null}
                </td>
                <td>
                  {user.disabled ? <span className="badge badge-error">disabled</span> : null}
                  {user.invitePending ? <span className="badge">invited</span> : null}
                  {!user.disabled && !user.invitePending ? (
                    <span className="badge badge-ok">active</span>
                  ) : null}
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      update.mutate({ username: user.username, body: { disabled: !user.disabled } })
                    }
                  >
                    {user.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="button" onClick={() => setResetting(user.username)}>
                    Reset password
                  </button>
                  <button
                    type="button"
                    className="button button-danger-outline"
                    onClick={() => remove.mutate(user.username)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Modal title="Create user" open={creating} onClose={() => setCreating(false)}>
        <CreateUserForm
          onCancel={() => setCreating(false)}
          onCreated={(path) => {
            setCreating(false);
            setInvite(path);
          }}
        />
      </Modal>
      <Modal
        title={`Reset the password of ${resetting ?? ''}`}
        open={resetting !== null}
        onClose={() => setResetting(null)}
      >
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            if (resetting) {
              update.mutate(
                { username: resetting, body: { password: newPassword } },
                {
                  onSuccess: () => {
                    setResetting(null);
                    setNewPassword('');
                  },
                },
              );
            }
          }}
        >
          <ErrorNotice error={update.error} />
          <TextField
            label="New password"
            type="password"
            name="newPassword"
            required
            value={newPassword}
            hint="Their sessions end at once."
            onChange={(e) => setNewPassword(e.target.value)}
          />
          <div className="form-actions">
            <button type="submit" className="button button-primary">
              Reset password
            </button>
          </div>
        </form>
      </Modal>
    </section>
  );
}

import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { FormError } from '../../components/form/FormError.tsx';
import { CheckboxInput, TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from '../../features/users/api/users.ts';

function CreateUserForm(props: { onCreated: (invitePath: string | null) => void; onCancel: () => void }) {
  const create = useCreateUser();
  const form = useForm({
    initial: { username: '', displayName: '', password: '', platformAdmin: false },
    submit: ({ username, displayName, password, platformAdmin }) =>
      create.mutateAsync({
        username,
        platformAdmin,
        ...(displayName ? { displayName } : {}),
        ...(password ? { password } : {}),
      }),
    onSuccess: (created) => props.onCreated(created.invitePath),
  });
  return (
    <form className="form" onSubmit={form.onSubmit} aria-label="create user">
      <FormError form={form} />
      <TextInput label="Username" required autoFocus field={form.field('username')} />
      <TextInput label="Display name" field={form.field('displayName')} />
      <TextInput
        label="Initial password"
        type="password"
        autoComplete="new-password"
        hint="Leave empty to get a one-time invite link instead."
        field={form.field('password')}
      />
      <CheckboxInput label="Platform admin" field={form.field('platformAdmin')} />
      <FormActions
        onCancel={props.onCancel}
        pending={form.submitting}
        pendingLabel="Create user"
        submitLabel={'Create and invite'}
      />
    </form>
  );
}

/** An admin sets a new password for `username`; their sessions end. */
function ResetPasswordForm(props: { username: string; onDone: () => void }) {
  const update = useUpdateUser();
  const form = useForm({
    initial: { password: '' },
    submit: ({ password }) => update.mutateAsync({ username: props.username, body: { password } }),
    onSuccess: props.onDone,
  });
  return (
    <form className="form" onSubmit={form.onSubmit} aria-label="reset password">
      <FormError form={form} />
      <TextInput
        label="New password"
        type="password"
        required
        hint="Their sessions end at once."
        field={form.field('password')}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={form.submitting}>
          Reset password
        </button>
      </div>
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
        {resetting ? <ResetPasswordForm username={resetting} onDone={() => setResetting(null)} /> : null}
      </Modal>
    </section>
  );
}

import type { User } from '@slipway/contracts';
import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { Form } from '../../components/form/Form.tsx';
import { CheckboxInput, TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
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
    <Form form={form} label="create user">
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
    </Form>
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
    <Form form={form} label="reset password">
      <TextInput
        label="New password"
        type="password"
        required
        hint="Their sessions end at once."
        field={form.field('password')}
      />
      <FormActions submitLabel="Reset password" pending={form.submitting} pendingLabel="Resetting…" />
    </Form>
  );
}

/**
 * Everyone who can sign in: create (with an invite link shown once), disable or enable,
 * reset a password, delete (after a confirmation).
 */
export function UsersPage() {
  const users = useUsers();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [creating, setCreating] = useState(false);
  const [invite, setInvite] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const createButton = (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      Create user
    </button>
  );

  const columns: ListColumn<User>[] = [
    {
      header: 'User',
      cell: (user) => (
        <>
          <strong>{user.username}</strong>{' '}
          {user.displayName ? <span className="muted">{user.displayName}</span> : null}{' '}
          {user.platformAdmin ? <span className="badge badge-prod">platform admin</span> : null}
        </>
      ),
    },
    {
      header: 'Status',
      cell: (user) => (
        <>
          {user.disabled ? <span className="badge badge-error">disabled</span> : null}
          {user.invitePending ? <span className="badge">invited</span> : null}
          {!user.disabled && !user.invitePending ? <span className="badge badge-ok">active</span> : null}
        </>
      ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      className: 'row-actions',
      cell: (user) => (
        <>
          <button
            type="button"
            className="button"
            onClick={() => update.mutate({ username: user.username, body: { disabled: !user.disabled } })}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button type="button" className="button" onClick={() => setResetting(user.username)}>
            Reset password
          </button>
          <button
            type="button"
            className="button button-danger-outline"
            onClick={() =>
              confirm({
                title: 'Delete user',
                body: `Delete user “${user.username}”? They can no longer sign in.`,
                confirmLabel: 'Delete user',
                danger: true,
                action: () => remove.mutateAsync(user.username),
              })
            }
          >
            Delete
          </button>
        </>
      ),
    },
  ];

  return (
    <ListPage
      title="Users"
      description={
        <>
          <p>Everyone who can sign in to Slipway. Roles are given per workspace and project.</p>
          {invite ? (
            <div className="notice notice-info" role="status">
              Invite link (shown once):{' '}
              <code data-testid="invite-link">{`${window.location.origin}${invite}`}</code>
            </div>
          ) : null}
          <ErrorNotice error={update.error} />
        </>
      }
      actions={createButton}
      query={users}
      errorTitle="Cannot list users"
      items={users.data?.items}
      columns={columns}
      rowKey={(user) => user.username}
      empty={{ title: 'No users yet.', action: createButton }}
    >
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
      {confirmDialog}
    </ListPage>
  );
}

import type { ApiTokenSchema, SessionSchema } from '@slipway/contracts';
import type { z } from 'zod';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { Form } from '../../components/form/Form.tsx';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListSection } from '../../components/page/ListPage.tsx';
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
    <Form form={form} label="change password" className="card form">
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
      <FormActions submitLabel="Change password" pending={form.submitting} pendingLabel="Changing…" />
    </Form>
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
    <Form form={form} label="create token" className="card add-member">
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
    </Form>
  );
}

function Tokens() {
  const tokens = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const columns: ListColumn<z.infer<typeof ApiTokenSchema>>[] = [
    { header: 'Name', cell: (token) => token.name },
    { header: 'Scope', cell: (token) => `${token.scope}${token.workspace ? ` · ${token.workspace}` : ''}` },
    {
      header: 'Last used',
      cell: (token) => (token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : 'never'),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      className: 'row-actions',
      cell: (token) =>
        token.revoked ? (
          <span className="badge">revoked</span>
        ) : (
          <button
            type="button"
            className="button button-danger-outline"
            onClick={() => revoke.mutate(token.id)}
          >
            Revoke
          </button>
        ),
    },
  ];
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
      <ListSection
        label="API tokens"
        query={tokens}
        errorTitle="Cannot list your tokens"
        items={tokens.data?.items}
        columns={columns}
        rowKey={(token) => token.id}
        empty={{ title: 'No API tokens yet.' }}
      />
      <CreateTokenForm create={create} />
    </>
  );
}

/** The signed-in user's sessions; any but this one can be ended here. */
function Sessions() {
  const sessions = useMySessions();
  const revoke = useRevokeSession();
  const columns: ListColumn<z.infer<typeof SessionSchema>>[] = [
    { header: 'Signed in', cell: (session) => new Date(session.createdAt).toLocaleString() },
    { header: 'Last seen', cell: (session) => new Date(session.lastSeenAt).toLocaleString() },
    {
      header: 'From',
      className: 'small',
      cell: (session) => (
        <>
          {session.ipAddress} <span className="muted">{session.userAgent}</span>
        </>
      ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      className: 'row-actions',
      cell: (session) =>
        session.current ? (
          <span className="badge badge-ok">this session</span>
        ) : (
          <button
            type="button"
            className="button button-danger-outline"
            onClick={() => revoke.mutate(session.id)}
          >
            Sign out
          </button>
        ),
    },
  ];
  return (
    <>
      <h2>Sessions</h2>
      <ErrorNotice error={revoke.error} />
      <ListSection
        label="Sessions"
        query={sessions}
        errorTitle="Cannot list your sessions"
        items={sessions.data?.items}
        columns={columns}
        rowKey={(session) => session.id}
        empty={{ title: 'No sessions.' }}
      />
    </>
  );
}

/** The signed-in user's own settings: password, sessions, API tokens. */
export function AccountPage() {
  return (
    <DetailPage title="Your account">
      <h2>Password</h2>
      <PasswordForm />
      <Sessions />
      <Tokens />
    </DetailPage>
  );
}

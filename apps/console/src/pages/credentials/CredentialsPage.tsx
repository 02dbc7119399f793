import type { Credential } from '@slipway/contracts';
import { type ReactElement, useState } from 'react';
import { useParams } from 'react-router';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import {
  useCreateCredential,
  useDeleteCredential,
  useUpdateCredential,
} from '../../features/credentials/api/mutations.ts';
import { useCredentials } from '../../features/credentials/api/queries.ts';
import {
  CredentialForm,
  toCreateBody,
  toUpdateBody,
} from '../../features/credentials/components/CredentialForm.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit'; credential: Credential };

export function CredentialsPage() {
  const workspace = useParams().workspace ?? '';
  const credentials = useCredentials(workspace);
  const create = useCreateCredential(workspace);
  const update = useUpdateCredential(workspace);
  const remove = useDeleteCredential(workspace);
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => {
    setDialog(null);
    create.reset();
    update.reset();
  };
  const manage = (button: ReactElement<{ disabled?: boolean; title?: string }>) => (
    <Gate permission="workspace.credentials.manage" workspace={workspace}>
      {button}
    </Gate>
  );
  const createButton = manage(
    <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'create' })}>
      Create credential
    </button>,
  );

  const columns: ListColumn<Credential>[] = [
    { header: 'Name', cell: (credential) => <code>{credential.name}</code> },
    { header: 'Type', cell: (credential) => <span className="badge">{credential.type}</span> },
    {
      header: 'Username / server',
      cell: (credential) => (
        <>
          {credential.username ?? <span className="muted">—</span>}
          {credential.server ? (
            <>
              {' @ '}
              <code>{credential.server}</code>
            </>
          ) : null}
        </>
      ),
    },
    { header: 'Description', className: 'muted', cell: (credential) => credential.description ?? '' },
    {
      header: 'Updated',
      cell: (credential) => (
        <span title={`created by ${credential.createdBy}`}>
          {new Date(credential.updatedAt).toLocaleString()}
        </span>
      ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (credential) => (
        <>
          {manage(
            <button
              type="button"
              className="button"
              aria-label={`Change ${credential.name}`}
              onClick={() => setDialog({ kind: 'edit', credential })}
            >
              Change
            </button>,
          )}{' '}
          {manage(
            <button
              type="button"
              className="button button-danger"
              aria-label={`Delete ${credential.name}`}
              onClick={() =>
                confirm({
                  title: 'Delete credential',
                  body: `Delete credential “${credential.name}”? Pipelines that use it will fail to start.`,
                  confirmLabel: 'Delete credential',
                  danger: true,
                  action: () => remove.mutateAsync(credential.name),
                })
              }
            >
              Delete
            </button>,
          )}
        </>
      ),
    },
  ];

  return (
    <ListPage
      title="Credentials"
      description="Secrets this workspace’s pipelines use by name: git logins, registry logins and tokens. Their values are stored encrypted and never shown."
      actions={createButton}
      query={credentials}
      errorTitle="Cannot list credentials"
      items={credentials.data?.items}
      columns={columns}
      rowKey={(credential) => credential.name}
      empty={{
        title: 'No credentials yet.',
        action: manage(
          <button type="button" className="button" onClick={() => setDialog({ kind: 'create' })}>
            Create the first credential
          </button>,
        ),
      }}
    >
      <Modal title="Create credential" open={dialog?.kind === 'create'} onClose={close}>
        <CredentialForm
          mode="create"
          onCancel={close}
          submit={(values) => create.mutateAsync(toCreateBody(values))}
          onSuccess={close}
        />
      </Modal>
      <Modal
        title={dialog?.kind === 'edit' ? `Change credential ${dialog.credential.name}` : 'Change credential'}
        open={dialog?.kind === 'edit'}
        onClose={close}
      >
        {dialog?.kind === 'edit' ? (
          <CredentialForm
            key={dialog.credential.name}
            mode="edit"
            credential={dialog.credential}
            onCancel={close}
            submit={(values) =>
              update.mutateAsync({ name: dialog.credential.name, body: toUpdateBody(values) })
            }
            onSuccess={close}
          />
        ) : null}
      </Modal>
      {confirmDialog}
    </ListPage>
  );
}

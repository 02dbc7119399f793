import type { Credential } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
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

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; credential: Credential }
  | { kind: 'delete'; name: string };

export function CredentialsPage() {
  const workspace = useParams().workspace ?? '';
  const credentials = useCredentials(workspace);
  const create = useCreateCredential(workspace);
  const update = useUpdateCredential(workspace);
  const remove = useDeleteCredential(workspace);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => {
    setDialog(null);
    create.reset();
    update.reset();
    remove.reset();
  };
  const items = credentials.data?.items ?? [];

  return (
    <section aria-labelledby="credentials-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> / <span>Credentials</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="credentials-title">Credentials</h1>
          <p className="muted">
            Secrets this workspace’s pipelines use by name: git logins, registry logins and tokens. Their
            values are stored encrypted and never shown.
          </p>
        </div>
        <Gate permission="workspace.credentials.manage" workspace={workspace}>
          <button
            type="button"
            className="button button-primary"
            onClick={() => setDialog({ kind: 'create' })}
          >
            Create credential
          </button>
        </Gate>
      </div>
      {credentials.isPending ? <Loading /> : null}
      <ErrorNotice error={credentials.error} title="Cannot list credentials" />
      {credentials.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No credentials yet.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Credentials">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Username / server</th>
                <th>Description</th>
                <th>Updated</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((credential) => (
                <tr key={credential.name}>
                  <td>
                    <code>{credential.name}</code>
                  </td>
                  <td>
                    <span className="badge">{credential.type}</span>
                  </td>
                  <td>
                    {credential.username ?? <span className="muted">—</span>}
                    {credential.server ? (
                      <>
                        {' @ '}
                        <code>{credential.server}</code>
                      </>
                    ) : null}
                  </td>
                  <td className="muted">{credential.description ?? ''}</td>
                  <td title={`created by ${credential.createdBy}`}>
                    {new Date(credential.updatedAt).toLocaleString()}
                  </td>
                  <td>
                    <Gate permission="workspace.credentials.manage" workspace={workspace}>
                      <button
                        type="button"
                        className="button"
                        aria-label={`Change ${credential.name}`}
                        onClick={() => setDialog({ kind: 'edit', credential })}
                      >
                        Change
                      </button>
                    </Gate>{' '}
                    <Gate permission="workspace.credentials.manage" workspace={workspace}>
                      <button
                        type="button"
                        className="button button-danger"
                        aria-label={`Delete ${credential.name}`}
                        onClick={() => setDialog({ kind: 'delete', name: credential.name })}
                      >
                        Delete
                      </button>
                    </Gate>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
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
      <ConfirmDialog
        title="Delete credential"
        message={
          dialog?.kind === 'delete'
            ? `Delete credential “${dialog.name}”? Pipelines that use it will fail to start.`
            : ''
        }
        confirmLabel="Delete credential"
        open={dialog?.kind === 'delete'}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => {
          if (dialog?.kind === 'delete') remove.mutate(dialog.name, { onSuccess: close });
        }}
        onClose={close}
      />
    </section>
  );
}

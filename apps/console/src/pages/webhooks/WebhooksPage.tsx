import type { CreatedWebhook, Webhook } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useUpdateWebhook,
} from '../../features/webhooks/api/mutations.ts';
import { useWebhooks } from '../../features/webhooks/api/queries.ts';
import { WebhookCreated } from '../../features/webhooks/components/WebhookCreated.tsx';
import {
  DeliveryOutcomeBadge,
  WebhookDeliveries,
} from '../../features/webhooks/components/WebhookDeliveries.tsx';
import { WebhookForm } from '../../features/webhooks/components/WebhookForm.tsx';
import { payloadUrl } from '../../features/webhooks/webhook-form.ts';

function filtersOf(webhook: Webhook): string {
  const parts = [
    webhook.branches.length > 0 ? `branches ${webhook.branches.join(', ')}` : '',
    webhook.tags.length > 0 ? `tags ${webhook.tags.join(', ')}` : '',
    webhook.paths.length > 0 ? `paths ${webhook.paths.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'no filters';
}

export function WebhooksPage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const project = params.project ?? '';
  const webhooks = useWebhooks(workspace, project);
  const create = useCreateWebhook(workspace, project);
  const update = useUpdateWebhook(workspace, project);
  const remove = useDeleteWebhook(workspace, project);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const items = webhooks.data?.items ?? [];
  const shown = items.find((webhook) => webhook.name === selected);
  const closeCreate = () => {
    setCreating(false);
    setCreated(null);
    create.reset();
  };
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <section aria-labelledby="webhooks-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.project(workspace, project)}>{project}</Link> / <span>Webhooks</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="webhooks-title">Webhooks</h1>
          <p className="muted">
            GitHub and GitLab pushes and tags that start runs. Runs start as whoever last saved the webhook.
          </p>
        </div>
        <Gate permission="project.update" workspace={workspace} project={project}>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create webhook
          </button>
        </Gate>
      </div>
      {webhooks.isPending ? <Loading /> : null}
      <ErrorNotice error={webhooks.error} title="Cannot list webhooks" />
      <ErrorNotice error={update.error} title="Cannot change the webhook" />
      {webhooks.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No webhooks yet.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Webhooks">
            <thead>
              <tr>
                <th>Name</th>
                <th>Events and filters</th>
                <th>Runs</th>
                <th>Last delivery</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((webhook) => (
                <tr key={webhook.id}>
                  <td>
                    <strong>{webhook.name}</strong> <span className="badge">{webhook.provider}</span>{' '}
                    {webhook.enabled ? null : <span className="badge">disabled</span>}
                    <div className="muted small">
                      <code>{payloadUrl(window.location.origin, webhook.receiverPath)}</code>
                    </div>
                  </td>
                  <td>
                    {webhook.events.join(', ')}
                    <div className="muted small">{filtersOf(webhook)}</div>
                  </td>
                  <td>
                    {webhook.pipeline} · {webhook.releaseType} → {webhook.environment}
                    <div className="muted small">as {webhook.runsAs}</div>
                  </td>
                  <td>
                    {webhook.lastDelivery ? (
                      <>
                        <DeliveryOutcomeBadge outcome={webhook.lastDelivery.outcome} />
                        <div className="muted small">
                          {new Date(webhook.lastDelivery.receivedAt).toLocaleString()}
                        </div>
                      </>
                    ) : (
                      <span className="muted">none yet</span>
                    )}
                  </td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button"
                        aria-pressed={selected === webhook.name}
                        onClick={() => setSelected(selected === webhook.name ? null : webhook.name)}
                      >
                        Deliveries
                      </button>
                      <Gate
                        permission="project.update"
                        workspace={workspace}
                        project={project}
                        mode="disable"
                      >
                        <button
                          type="button"
                          className="button"
                          disabled={update.isPending}
                          onClick={() => {
                            // A failed earlier toggle's error goes with the new attempt.
                            update.reset();
                            update.mutate({ name: webhook.name, body: { enabled: !webhook.enabled } });
                          }}
                        >
                          {webhook.enabled ? 'Disable' : 'Enable'}
                        </button>
                      </Gate>
                      <Gate
                        permission="project.update"
                        workspace={workspace}
                        project={project}
                        mode="disable"
                      >
                        <button
                          type="button"
                          className="button button-danger-outline"
                          onClick={() => setDeleting(webhook.name)}
                        >
                          Delete
                        </button>
                      </Gate>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {shown ? <WebhookDeliveries workspace={workspace} project={project} webhook={shown} /> : null}
      <Modal title={created ? 'Webhook created' : 'Create webhook'} open={creating} onClose={closeCreate}>
        {created ? (
          <WebhookCreated webhook={created} onDone={closeCreate} />
        ) : (
          <WebhookForm
            workspace={workspace}
            project={project}
            onCancel={closeCreate}
            submit={create.mutateAsync}
            onSuccess={(webhook) => {
              setCreated(webhook);
              setSelected(webhook.name);
            }}
          />
        )}
      </Modal>
      <ConfirmDialog
        title="Delete webhook"
        message={`Delete webhook “${deleting ?? ''}” and its delivery history? Deliveries to its URL will then get 404.`}
        confirmLabel="Delete webhook"
        open={deleting !== null}
        pending={remove.isPending}
        error={remove.error}
        onClose={closeDelete}
        onConfirm={() => {
          if (deleting === null) return;
          remove.mutate(deleting, {
            onSuccess: () => {
              if (selected === deleting) setSelected(null);
              closeDelete();
            },
          });
        }}
      />
    </section>
  );
}

import type { CreatedWebhook, Webhook } from '@slipway/contracts';
import { type ReactElement, useState } from 'react';
import { useParams } from 'react-router';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
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
  const [selected, setSelected] = useState<string | null>(null);
  const { confirm, dialog: confirmDialog } = useConfirm();
  const shown = webhooks.data?.items.find((webhook) => webhook.name === selected);
  const closeCreate = () => {
    setCreating(false);
    setCreated(null);
    create.reset();
  };
  const manage = (button: ReactElement<{ disabled?: boolean; title?: string }>) => (
    <Gate permission="project.update" workspace={workspace} project={project} mode="disable">
      {button}
    </Gate>
  );

  const columns: ListColumn<Webhook>[] = [
    {
      header: 'Name',
      cell: (webhook) => (
        <>
          <strong>{webhook.name}</strong> <span className="badge">{webhook.provider}</span>{' '}
          {webhook.enabled ? null : <span className="badge">disabled</span>}
          <div className="muted small">
            <code>{payloadUrl(window.location.origin, webhook.receiverPath)}</code>
          </div>
        </>
      ),
    },
    {
      header: 'Events and filters',
      cell: (webhook) => (
        <>
          {webhook.events.join(', ')}
          <div className="muted small">{filtersOf(webhook)}</div>
        </>
      ),
    },
    {
      header: 'Runs',
      cell: (webhook) => (
        <>
          {webhook.pipeline} · {webhook.releaseType} → {webhook.environment}
          <div className="muted small">as {webhook.runsAs}</div>
        </>
      ),
    },
    {
      header: 'Last delivery',
      cell: (webhook) =>
        webhook.lastDelivery ? (
          <>
            <DeliveryOutcomeBadge outcome={webhook.lastDelivery.outcome} />
            <div className="muted small">{new Date(webhook.lastDelivery.receivedAt).toLocaleString()}</div>
          </>
        ) : (
          <span className="muted">none yet</span>
        ),
    },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (webhook) => (
        <div className="row-actions">
          <button
            type="button"
            className="button"
            aria-pressed={selected === webhook.name}
            onClick={() => setSelected(selected === webhook.name ? null : webhook.name)}
          >
            Deliveries
          </button>
          {manage(
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
            </button>,
          )}
          {manage(
            <button
              type="button"
              className="button button-danger-outline"
              onClick={async () => {
                const deleted = await confirm({
                  title: 'Delete webhook',
                  body: `Delete webhook “${webhook.name}” and its delivery history? Deliveries to its URL will then get 404.`,
                  confirmLabel: 'Delete webhook',
                  danger: true,
                  action: () => remove.mutateAsync(webhook.name),
                });
                if (deleted) setSelected((current) => (current === webhook.name ? null : current));
              }}
            >
              Delete
            </button>,
          )}
        </div>
      ),
    },
  ];

  return (
    <ListPage
      title="Webhooks"
      description="GitHub and GitLab pushes and tags that start runs. Runs start as whoever last saved the webhook."
      actions={
        <Gate permission="project.update" workspace={workspace} project={project}>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create webhook
          </button>
        </Gate>
      }
      filters={update.error ? <ErrorNotice error={update.error} title="Cannot change the webhook" /> : null}
      query={webhooks}
      errorTitle="Cannot list webhooks"
      items={webhooks.data?.items}
      columns={columns}
      rowKey={(webhook) => webhook.id}
      empty={{
        title: 'No webhooks yet.',
        body: 'Create one, then add its payload URL and secret to the repository’s webhook settings.',
      }}
    >
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
      {confirmDialog}
    </ListPage>
  );
}

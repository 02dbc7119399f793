import type { NotificationChannel } from '@slipway/contracts';
import { type ReactElement, useState } from 'react';
import { useParams } from 'react-router';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import {
  useCreateNotificationChannel,
  useDeleteNotificationChannel,
  useTestNotificationChannel,
  useUpdateNotificationChannel,
} from '../../features/notifications/api/mutations.ts';
import { useNotificationChannels } from '../../features/notifications/api/queries.ts';
import { createChannelBody, updateChannelBody } from '../../features/notifications/channel-form.ts';
import { ChannelDeliveries } from '../../features/notifications/components/ChannelDeliveries.tsx';
import { ChannelForm } from '../../features/notifications/components/ChannelForm.tsx';

const TYPE_LABELS: Record<NotificationChannel['type'], string> = {
  webhook: 'webhook',
  slack: 'chat (Slack-compatible)',
  email: 'e-mail',
};

/**
 * A workspace's notification channels: who hears of approvals waiting, decisions, and
 * releases that succeeded, failed or were rolled back. Read with `workspace.read`, changed
 * with `workspace.environments.manage`; each channel's delivery log shows failures.
 */
export function NotificationChannelsPage() {
  const workspace = useParams().workspace ?? '';
  const channels = useNotificationChannels(workspace);
  const create = useCreateNotificationChannel(workspace);
  const update = useUpdateNotificationChannel(workspace);
  const remove = useDeleteNotificationChannel(workspace);
  const test = useTestNotificationChannel(workspace);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<NotificationChannel | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const manage = (button: ReactElement<{ disabled?: boolean; title?: string }>) => (
    <Gate permission="workspace.environments.manage" workspace={workspace} mode="disable">
      {button}
    </Gate>
  );
  const closeCreate = () => {
    setCreating(false);
    create.reset();
  };
  const closeEdit = () => {
    setEditing(null);
    update.reset();
  };

  const columns: ListColumn<NotificationChannel>[] = [
    {
      header: 'Name',
      cell: (c) => (
        <>
          <strong>{c.name}</strong> <span className="badge">{TYPE_LABELS[c.type]}</span>{' '}
          {c.enabled ? null : <span className="badge">disabled</span>}
          <div className="muted small">
            {c.type === 'email' ? c.recipients.join(', ') || 'starters only' : <code>{c.url}</code>}
            {c.type === 'webhook' ? (c.hasSecret ? ' · signed' : ' · unsigned') : ''}
          </div>
        </>
      ),
    },
    { header: 'Events', cell: (c) => (c.events.length > 0 ? c.events.join(', ') : 'all events') },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (c) => (
        <div className="row-actions">
          <button
            type="button"
            className="button"
            aria-pressed={selected === c.name}
            onClick={() => setSelected(selected === c.name ? null : c.name)}
          >
            Deliveries
          </button>
          {manage(
            <button
              type="button"
              className="button"
              disabled={test.isPending}
              onClick={() => {
                test.reset();
                test.mutate(c.name, { onSuccess: () => setSelected(c.name) });
              }}
            >
              Send test
            </button>,
          )}
          {manage(
            <button type="button" className="button" onClick={() => setEditing(c)}>
              Edit
            </button>,
          )}
          {manage(
            <button
              type="button"
              className="button button-danger-outline"
              onClick={async () => {
                const deleted = await confirm({
                  title: 'Delete channel',
                  body: `Delete channel “${c.name}” and its delivery log?`,
                  confirmLabel: 'Delete channel',
                  danger: true,
                  action: () => remove.mutateAsync(c.name),
                });
                if (deleted) setSelected((current) => (current === c.name ? null : current));
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
      title="Notifications"
      description="Channels that hear when a deploy waits for approval, is decided, succeeds, fails or is rolled back."
      actions={
        <Gate permission="workspace.environments.manage" workspace={workspace}>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create channel
          </button>
        </Gate>
      }
      filters={test.error ? <ErrorNotice error={test.error} title="Cannot send a test" /> : null}
      query={channels}
      errorTitle="Cannot list notification channels"
      items={channels.data?.items}
      columns={columns}
      rowKey={(c) => c.name}
      label="Notification channels"
      empty={{
        title: 'No notification channels yet.',
        body: 'Whoever started a deploy still gets e-mail about it; add a webhook, chat or e-mail channel for the team.',
      }}
    >
      {selected ? <ChannelDeliveries workspace={workspace} channel={selected} /> : null}
      <Modal title="Create channel" open={creating} onClose={closeCreate}>
        <ChannelForm
          mode="create"
          submit={(values) => create.mutateAsync(createChannelBody(values))}
          onSuccess={closeCreate}
          onCancel={closeCreate}
        />
      </Modal>
      <Modal title="Edit channel" open={editing !== null} onClose={closeEdit}>
        {editing ? (
          <ChannelForm
            mode="edit"
            channel={editing}
            submit={(values) =>
              update.mutateAsync({ channel: editing.name, body: updateChannelBody(values) })
            }
            onSuccess={closeEdit}
            onCancel={closeEdit}
          />
        ) : null}
      </Modal>
      {dialog}
    </ListPage>
  );
}

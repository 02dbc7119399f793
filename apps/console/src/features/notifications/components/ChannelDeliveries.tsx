import type { NotificationDeliverySchema } from '@slipway/contracts';
import type { z } from 'zod';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { formatTime } from '../../runs/format.ts';
import { useNotificationDeliveries } from '../api/queries.ts';

type Delivery = z.infer<typeof NotificationDeliverySchema>;

const STATUS_CLASS: Record<Delivery['status'], string> = {
  pending: 'badge',
  delivered: 'badge badge-ok',
  failed: 'badge badge-error',
};

const columns: ListColumn<Delivery>[] = [
  { header: 'Queued', cell: (d) => formatTime(d.createdAt) },
  {
    header: 'Event',
    cell: (d) => (
      <>
        <code>{d.event}</code>
        <div className="muted small">{d.summary}</div>
      </>
    ),
  },
  {
    header: 'Status',
    cell: (d) => (
      <>
        <span className={STATUS_CLASS[d.status]}>{d.status}</span>{' '}
        <span className="muted small">
          {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
        </span>
        {d.status === 'pending' && d.nextAttemptAt ? (
          <div className="muted small">next try {formatTime(d.nextAttemptAt)}</div>
        ) : null}
        {d.deliveredAt ? <div className="muted small">delivered {formatTime(d.deliveredAt)}</div> : null}
      </>
    ),
  },
  {
    header: 'Last answer',
    cell: (d) => (
      <>
        {d.lastStatusCode !== null ? <code>{d.lastStatusCode}</code> : null}
        {d.lastError ? <div className="small">{d.lastError}</div> : null}
        {d.lastStatusCode === null && !d.lastError ? <span className="muted">—</span> : null}
      </>
    ),
  },
  {
    header: 'To',
    cell: (d) =>
      d.recipients.length > 0 ? d.recipients.join(', ') : <span className="muted">the channel</span>,
  },
];

/** A channel's delivery log, newest first: each event's status, attempts, last answer or error. */
export function ChannelDeliveries(props: { workspace: string; channel: string }) {
  const deliveries = useNotificationDeliveries(props.workspace, props.channel);
  return (
    <section aria-labelledby="channel-deliveries-title">
      <div className="section-header">
        <h2 id="channel-deliveries-title">Deliveries of {props.channel}</h2>
      </div>
      <ListSection
        label={`Deliveries of ${props.channel}`}
        query={deliveries}
        errorTitle="Cannot list deliveries"
        items={deliveries.data?.items}
        columns={columns}
        rowKey={(d) => d.id}
        empty={{ title: 'Nothing sent yet.', body: 'Send a test, or wait for the next deploy event.' }}
      />
    </section>
  );
}

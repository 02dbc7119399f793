import type { DeliveryOutcome, Webhook, WebhookDelivery } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { useWebhookDeliveries } from '../api/queries.ts';

const OUTCOME_CLASS: Record<DeliveryOutcome, string> = {
  triggered: 'badge badge-ok',
  ignored: 'badge',
  rejected: 'badge badge-error',
  failed: 'badge badge-error',
};

export function DeliveryOutcomeBadge({ outcome }: { outcome: DeliveryOutcome }) {
  return <span className={OUTCOME_CLASS[outcome]}>{outcome}</span>;
}

/** Recent deliveries of one webhook and what each did, newest first. */
export function WebhookDeliveries(props: { workspace: string; project: string; webhook: Webhook }) {
  const { workspace, project, webhook } = props;
  const deliveries = useWebhookDeliveries(workspace, project, webhook.name);
  const columns: ListColumn<WebhookDelivery>[] = [
    { header: 'Received', cell: (delivery) => new Date(delivery.receivedAt).toLocaleString() },
    { header: 'Event', cell: (delivery) => <code>{delivery.event}</code> },
    {
      header: 'Ref',
      cell: (delivery) => (
        <>
          {delivery.ref ? <code>{delivery.ref}</code> : <span className="muted">—</span>}
          {delivery.commit ? <div className="muted small">{delivery.commit.slice(0, 12)}</div> : null}
        </>
      ),
    },
    { header: 'Outcome', cell: (delivery) => <DeliveryOutcomeBadge outcome={delivery.outcome} /> },
    {
      header: 'What happened',
      cell: (delivery) => (
        <>
          {delivery.reason}
          {delivery.runNumber !== null ? (
            <>
              {' '}
              <Link
                to={paths.run({ workspace, project, pipeline: webhook.pipeline, number: delivery.runNumber })}
              >
                Run #{delivery.runNumber}
              </Link>
            </>
          ) : null}
        </>
      ),
    },
  ];
  return (
    <section aria-labelledby="deliveries-title">
      <div className="section-header">
        <h2 id="deliveries-title">Deliveries of {webhook.name}</h2>
      </div>
      <ListSection
        label={`Deliveries of ${webhook.name}`}
        query={deliveries}
        errorTitle="Cannot list deliveries"
        items={deliveries.data?.items}
        columns={columns}
        rowKey={(delivery) => delivery.id}
        empty={{ title: 'Nothing received yet.', body: 'Point the provider at the payload URL and push.' }}
      />
    </section>
  );
}

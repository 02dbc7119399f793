import type { DeliveryOutcome, Webhook } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Loading } from '../../../components/Loading.tsx';
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
  const items = deliveries.data?.items ?? [];
  const runs = paths.runs({ workspace, project, pipeline: webhook.pipeline });
  return (
    <section aria-labelledby="deliveries-title">
      <div className="section-header">
        <h2 id="deliveries-title">Deliveries of {webhook.name}</h2>
      </div>
      {deliveries.isPending ? <Loading /> : null}
      <ErrorNotice error={deliveries.error} title="Cannot list deliveries" />
      {deliveries.isSuccess && items.length === 0 ? (
        <p className="muted">Nothing received yet. Point the provider at the payload URL and push.</p>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label={`Deliveries of ${webhook.name}`}>
            <thead>
              <tr>
                <th>Received</th>
                <th>Event</th>
                <th>Ref</th>
                <th>Outcome</th>
                <th>What happened</th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => (
                <tr key={delivery.id}>
                  <td>{new Date(delivery.receivedAt).toLocaleString()}</td>
                  <td>
                    <code>{delivery.event}</code>
                  </td>
                  <td>
                    {delivery.ref ? <code>{delivery.ref}</code> : <span className="muted">—</span>}
                    {delivery.commit ? (
                      <div className="muted small">{delivery.commit.slice(0, 12)}</div>
                    ) : null}
                  </td>
                  <td>
                    <DeliveryOutcomeBadge outcome={delivery.outcome} />
                  </td>
                  <td>
                    {delivery.reason}
                    {delivery.runNumber !== null ? (
                      <>
                        {' '}
                        <Link to={`${runs}/${delivery.runNumber}`}>Run #{delivery.runNumber}</Link>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

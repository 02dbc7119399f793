import type { LiveProjectSchema } from '@slipway/contracts';
import { Link } from 'react-router';
import type { z } from 'zod';
import { paths } from '../../../app/paths.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { PodsTable } from '../../environments/components/PodsTable.tsx';
import { useEnvironmentLive } from '../api/queries.ts';
import { ReleaseStatusBadge } from '../components/ReleaseStatusBadge.tsx';
import { ReleaseLink } from '../components/release-columns.tsx';
import { configLabel } from '../release-format.ts';
import '../releases.css';

type LiveProject = z.infer<typeof LiveProjectSchema>;

const ROLLOUT_BADGE: Record<LiveProject['rollout']['state'], string> = {
  available: 'badge badge-ok',
  progressing: 'badge release-status-deploying',
  failed: 'badge badge-error',
  missing: 'badge badge-error',
  unknown: 'badge',
};

/** One project's card: the live release and its parts, a newer release if any, rollout, pods, events. */
function LiveProjectCard({ workspace, item }: { workspace: string; item: LiveProject }) {
  const { live, latest } = item;
  return (
    <section className="card release-live" aria-label={`Live in ${item.project}`}>
      <div className="release-live-header">
        <h3>
          <Link to={paths.project(workspace, item.project)}>{item.project}</Link>
        </h3>
        <span className={ROLLOUT_BADGE[item.rollout.state]}>rollout {item.rollout.state}</span>
        {item.rollout.message ? <span className="muted">{item.rollout.message}</span> : null}
      </div>
      <dl className="properties">
        <dt>Live release</dt>
        <dd>
          {live ? (
            <ReleaseLink workspace={workspace} release={live} />
          ) : (
            <span className="muted">none succeeded yet</span>
          )}
        </dd>
        <dt>Image</dt>
        <dd>{live?.image ? <code>{live.image}</code> : '—'}</dd>
        <dt>Config</dt>
        <dd>{(live && configLabel(live)) || '—'}</dd>
        {latest ? (
          <>
            <dt>Latest release</dt>
            <dd>
              <ReleaseLink workspace={workspace} release={latest} />{' '}
              <ReleaseStatusBadge status={latest.status} />
              {latest.message ? <p className="release-message">{latest.message}</p> : null}
            </dd>
          </>
        ) : null}
      </dl>
      {item.workloads.map((workload) => (
        <div key={workload.name}>
          <p>
            <strong>{workload.name}</strong>{' '}
            <span className="muted">
              {workload.readyReplicas}/{workload.replicas} ready, {workload.updatedReplicas} updated
            </span>
          </p>
          {workload.pods.length > 0 ? (
            <PodsTable label={`Pods of ${workload.name} in ${item.project}`} pods={workload.pods} />
          ) : null}
        </div>
      ))}
      {item.events.length > 0 ? (
        <details>
          <summary>Recent events ({item.events.length})</summary>
          <ul>
            {item.events.map((event, index) => (
              // Events have no stable identity across refreshes of this list.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={index}>
                <span className={event.type === 'Warning' ? 'badge badge-error' : 'badge'}>
                  {event.reason}
                </span>{' '}
                <code>{event.object}</code> {event.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** What is live in an environment, project by project, read again every few seconds. */
export function EnvironmentLive({ workspace, environment }: { workspace: string; environment: string }) {
  const live = useEnvironmentLive(workspace, environment, true);
  if (live.isPending) return <Loading label="Reading what is live…" />;
  if (live.error && !live.data) return <ErrorNotice error={live.error} title="Cannot read what is live" />;
  return (
    <>
      <h2>Live now</h2>
      {live.data.items.length === 0 ? <p className="muted">Nothing was deployed here yet.</p> : null}
      {live.data.items.map((item) => (
        <LiveProjectCard key={item.project} workspace={workspace} item={item} />
      ))}
    </>
  );
}

import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useSession } from '../../features/auth/api/queries.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { useDeleteEnvironment, useUpdateEnvironment } from '../../features/environments/api/mutations.ts';
import { useEnvironment, useEnvironmentWorkloads } from '../../features/environments/api/queries.ts';
import {
  EnvironmentForm,
  initialEnvironmentValues,
} from '../../features/environments/components/EnvironmentForm.tsx';
import { ActiveRunsRefusal } from '../../features/runs/components/ActiveRunsRefusal.tsx';

function Workloads({ workspace, name }: { workspace: string; name: string }) {
  const workloads = useEnvironmentWorkloads(workspace, name, true);
  if (workloads.isPending) return <Loading label="Reading the cluster…" />;
  if (workloads.error) return <ErrorNotice error={workloads.error} title="Cannot read the cluster" />;
  const { deployments, events } = workloads.data;
  return (
    <>
      <h2>Deployments</h2>
      {deployments.length === 0 ? <p className="muted">No Deployments in this namespace.</p> : null}
      {deployments.map((deployment) => (
        <div className="card workload" key={deployment.name}>
          <div className="workload-header">
            <strong>{deployment.name}</strong>
            <span className={`badge ${deployment.available ? 'badge-ok' : 'badge-error'}`}>
              {deployment.available ? 'available' : 'not available'}
            </span>
            <span className="muted">
              {deployment.readyReplicas}/{deployment.replicas} ready
            </span>
            <code>{deployment.images.join(', ')}</code>
          </div>
          <div className="table-scroll">
            <table className="table" aria-label={`Pods of ${deployment.name}`}>
              <thead>
                <tr>
                  <th>Pod</th>
                  <th>Phase</th>
                  <th>Ready</th>
                  <th>Restarts</th>
                  <th>Node</th>
                </tr>
              </thead>
              <tbody>
                {deployment.pods.map((pod) => (
                  <tr key={pod.name}>
                    <td>
                      <code>{pod.name}</code>
                    </td>
                    <td>{pod.phase}</td>
                    <td>{pod.ready ? 'yes' : 'no'}</td>
                    <td>{pod.restarts}</td>
                    <td>{pod.node}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      <h2>Recent events</h2>
      {events.length === 0 ? <p className="muted">No events.</p> : null}
      {events.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Events">
            <thead>
              <tr>
                <th>Last seen</th>
                <th>Type</th>
                <th>Object</th>
                <th>Reason</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event, index) => (
                // Events have no stable identity across refreshes of this list.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <tr key={index}>
                  <td className="muted">
                    {event.lastSeen ? new Date(event.lastSeen).toLocaleTimeString() : ''}
                  </td>
                  <td>{event.type}</td>
                  <td>
                    <code>{event.object}</code>
                  </td>
                  <td>{event.reason}</td>
                  <td>{event.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export function EnvironmentPage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const name = params.environment ?? '';
  const navigate = useNavigate();
  const session = useSession();
  const isAdmin = session.data?.user.platformAdmin ?? false;
  const clusters = useClusters({ enabled: isAdmin });
  const environment = useEnvironment(workspace, name);
  const update = useUpdateEnvironment(workspace, name);
  const remove = useDeleteEnvironment(workspace);
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const [deleteNamespace, setDeleteNamespace] = useState(false);
  const close = () => {
    setDialog(null);
    setDeleteNamespace(false);
    update.reset();
    remove.reset();
  };

  const deleteEnvironment = (cancelRuns: boolean) =>
    remove.mutate(
      { name, deleteNamespace, cancelRuns },
      { onSuccess: () => navigate(paths.environments(workspace), { replace: true }) },
    );

  if (environment.isPending) return <Loading />;
  if (environment.error) return <ErrorNotice error={environment.error} title="Cannot open environment" />;
  const env = environment.data;

  return (
    <section aria-labelledby="environment-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> /{' '}
        <Link to={paths.environments(workspace)}>Environments</Link> / <span>{env.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="environment-title">
            {env.name} {env.production ? <span className="badge badge-prod">production</span> : null}
          </h1>
          <p className="muted">
            {env.cluster ? (
              <>
                Cluster <code>{env.cluster}</code>, namespace <code>{env.namespace}</code>
              </>
            ) : (
              'Runs on the local executor (no cluster).'
            )}
          </p>
        </div>
        <div className="actions">
          <Gate permission="workspace.environments.manage" workspace={workspace} mode="disable">
            <button type="button" className="button" onClick={() => setDialog('edit')}>
              Edit
            </button>
          </Gate>
          <Gate permission="workspace.environments.manage" workspace={workspace} mode="disable">
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setDialog('delete')}
            >
              Delete
            </button>
          </Gate>
        </div>
      </div>
      {env.cluster ? <Workloads workspace={workspace} name={name} /> : null}
      <Modal title="Edit environment" open={dialog === 'edit'} onClose={close}>
        <EnvironmentForm
          mode="edit"
          initial={initialEnvironmentValues(env)}
          clusters={isAdmin ? clusters.data?.items.map((c) => c.name) : undefined}
          onCancel={close}
          submit={(values) =>
            update.mutateAsync({
              cluster: values.cluster || null,
              namespace: values.cluster ? values.namespace || null : null,
              order: values.order,
              production: values.production,
              approvalPolicy: {
                requiredApprovals: values.requiredApprovals,
                approverRole: values.approverRole,
                allowSelfApproval: values.allowSelfApproval,
              },
            })
          }
          onSuccess={close}
        />
      </Modal>
      <Modal title="Delete environment" open={dialog === 'delete'} onClose={close}>
        <div className="form">
          <ErrorNotice error={remove.error} />
          <p>Delete environment “{env.name}”?</p>
          {env.cluster ? (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={deleteNamespace}
                onChange={(event) => setDeleteNamespace(event.target.checked)}
              />
              Also delete namespace <code>{env.namespace}</code> and everything in it
            </label>
          ) : null}
          <ActiveRunsRefusal
            error={remove.error}
            pending={remove.isPending}
            onCancelRuns={() => deleteEnvironment(true)}
          />
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isPending}
              onClick={() => deleteEnvironment(false)}
            >
              Delete environment
            </button>
          </div>
        </div>
      </Modal>
    </section>
  );
}

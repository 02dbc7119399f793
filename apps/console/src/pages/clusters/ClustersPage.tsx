import type { Cluster } from '@slipway/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import {
  useCheckCluster,
  useCreateCluster,
  useDeleteCluster,
} from '../../features/clusters/api/mutations.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { ClusterForm } from '../../features/clusters/components/ClusterForm.tsx';
import { ActiveRunsRefusal } from '../../features/runs/components/ActiveRunsRefusal.tsx';

function ClusterStatus({ cluster }: { cluster: Cluster }) {
  const check = cluster.lastCheck;
  if (!check) return <span className="badge">not checked</span>;
  return (
    <div>
      <span className={`badge ${check.ok ? 'badge-ok' : 'badge-error'}`}>
        {check.ok ? 'healthy' : 'failing'}
      </span>{' '}
      {check.serverVersion ? <span className="muted">{check.serverVersion}</span> : null}
      {check.nodeCount !== null ? <span className="muted"> · {check.nodeCount} nodes</span> : null}
      {check.error ? <div className="field-error">{check.error}</div> : null}
      <div className="muted small">checked {new Date(check.checkedAt).toLocaleString()}</div>
    </div>
  );
}

export function ClustersPage() {
  const clusters = useClusters();
  const create = useCreateCluster();
  const check = useCheckCluster();
  const remove = useDeleteCluster();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const close = () => {
    setAdding(false);
    setDeleting(null);
    create.reset();
    remove.reset();
  };
  const items = clusters.data?.items ?? [];

  return (
    <section aria-labelledby="clusters-title">
      <div className="page-header">
        <div>
          <h1 id="clusters-title">Clusters</h1>
          <p className="muted">
            Kubernetes clusters Slipway deploys to. Environments place namespaces on them.
          </p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
          Add cluster
        </button>
      </div>
      {clusters.isPending ? <Loading /> : null}
      <ErrorNotice error={clusters.error} title="Cannot list clusters" />
      <ErrorNotice error={check.error} title="Check failed" />
      {clusters.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No clusters yet. Without one, environments run pipelines on the local executor.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Clusters">
            <thead>
              <tr>
                <th>Name</th>
                <th>API server</th>
                <th>Environments</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((cluster) => (
                <tr key={cluster.name}>
                  <td>
                    <strong>{cluster.name}</strong>
                    {cluster.description ? <div className="muted small">{cluster.description}</div> : null}
                  </td>
                  <td>
                    <code>{cluster.inCluster ? 'in-cluster' : cluster.server}</code>
                  </td>
                  <td>{cluster.environmentCount}</td>
                  <td>
                    <ClusterStatus cluster={cluster} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button"
                      disabled={check.isPending && check.variables === cluster.name}
                      onClick={() => check.mutate(cluster.name)}
                    >
                      {check.isPending && check.variables === cluster.name ? 'Checking…' : 'Check'}
                    </button>
                    <button
                      type="button"
                      className="button button-danger-outline"
                      onClick={() => setDeleting(cluster.name)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Modal title="Add cluster" open={adding} onClose={close}>
        <ClusterForm
          onCancel={close}
          submit={(values) =>
            create.mutateAsync({
              name: values.name,
              kubeconfig: values.kubeconfig,
              ...(values.description ? { description: values.description } : {}),
              ...(values.context ? { context: values.context } : {}),
            })
          }
          onSuccess={(cluster) => {
            close();
            check.mutate(cluster.name);
          }}
        />
      </Modal>
      <ConfirmDialog
        title="Delete cluster"
        message={`Unregister cluster “${deleting ?? ''}”? Nothing in the cluster is changed.`}
        confirmLabel="Delete cluster"
        open={deleting !== null}
        pending={remove.isPending}
        error={remove.error}
        onClose={close}
        onConfirm={() => deleting && remove.mutate({ name: deleting }, { onSuccess: close })}
      >
        <ActiveRunsRefusal
          error={remove.error}
          pending={remove.isPending}
          canCancel={!items.some((c) => c.name === deleting && c.environmentCount > 0)}
          onCancelRuns={() =>
            deleting && remove.mutate({ name: deleting, cancelRuns: true }, { onSuccess: close })
          }
        />
      </ConfirmDialog>
    </section>
  );
}

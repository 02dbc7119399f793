import type { Cluster } from '@slipway/contracts';
import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useConfirm } from '../../components/page/DetailPage.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import {
  useCheckCluster,
  useCreateCluster,
  useDeleteCluster,
} from '../../features/clusters/api/mutations.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { ClusterForm } from '../../features/clusters/components/ClusterForm.tsx';
import { deleteCancellingRuns } from '../../features/runs/components/delete-cancelling-runs.tsx';

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
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [adding, setAdding] = useState(false);
  const close = () => {
    setAdding(false);
    create.reset();
  };

  const deleteCluster = (cluster: Cluster) => {
    return confirm({
      title: 'Delete cluster',
      body: `Unregister cluster “${cluster.name}”? Nothing in the cluster is changed.`,
      confirmLabel: 'Delete cluster',
      danger: true,
      // Environments on the cluster stop the delete whatever happens to the runs.
      ...deleteCancellingRuns(
        (cancelRuns) => remove.mutateAsync({ name: cluster.name, cancelRuns }),
        cluster.environmentCount === 0,
      ),
    });
  };

  const columns: ListColumn<Cluster>[] = [
    {
      header: 'Name',
      cell: (cluster) => (
        <>
          <strong>{cluster.name}</strong>
          {cluster.description ? <div className="muted small">{cluster.description}</div> : null}
        </>
      ),
    },
    {
      header: 'API server',
      cell: (cluster) => <code>{cluster.inCluster ? 'in-cluster' : cluster.server}</code>,
    },
    { header: 'Environments', cell: (cluster) => cluster.environmentCount },
    { header: 'Status', cell: (cluster) => <ClusterStatus cluster={cluster} /> },
    {
      header: <span className="visually-hidden">Actions</span>,
      className: 'row-actions',
      cell: (cluster) => (
        <>
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
            onClick={() => deleteCluster(cluster)}
          >
            Delete
          </button>
        </>
      ),
    },
  ];

  return (
    <ListPage
      title="Clusters"
      description="Kubernetes clusters Slipway deploys to. Environments place namespaces on them."
      actions={
        <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
          Add cluster
        </button>
      }
      filters={check.error ? <ErrorNotice error={check.error} title="Check failed" /> : null}
      query={clusters}
      errorTitle="Cannot list clusters"
      items={clusters.data?.items}
      columns={columns}
      rowKey={(cluster) => cluster.name}
      empty={{
        title: 'No clusters yet. Without one, environments run pipelines on the local executor.',
        action: (
          <button type="button" className="button" onClick={() => setAdding(true)}>
            Add the first cluster
          </button>
        ),
      }}
    >
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
      {confirmDialog}
    </ListPage>
  );
}

import type { Environment } from '@slipway/contracts';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { DetailPage, type DetailTab, useConfirm } from '../../components/page/DetailPage.tsx';
import { usePermission } from '../../features/access/api/queries.ts';
import { useSession } from '../../features/auth/api/queries.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { useDeleteEnvironment, useUpdateEnvironment } from '../../features/environments/api/mutations.ts';
import { useEnvironment, useEnvironmentWorkloads } from '../../features/environments/api/queries.ts';
import {
  approvalPolicyOf,
  clusterChoices,
  EnvironmentForm,
  initialEnvironmentValues,
} from '../../features/environments/components/EnvironmentForm.tsx';
import { PodsTable } from '../../features/environments/components/PodsTable.tsx';
import { describeFreezeWindow } from '../../features/environments/freeze-window-form.ts';
import { ApprovalsReport } from '../../features/releases/environment/ApprovalsReport.tsx';
import { CopyEnvironmentButton } from '../../features/releases/environment/CopyEnvironmentButton.tsx';
import { EnvironmentLive } from '../../features/releases/environment/EnvironmentLive.tsx';
import { EnvironmentQueue } from '../../features/releases/environment/EnvironmentQueue.tsx';
import { EnvironmentReleases } from '../../features/releases/environment/EnvironmentReleases.tsx';
import { deleteCancellingRuns } from '../../features/runs/components/delete-cancelling-runs.tsx';
import { formatTime } from '../../features/runs/format.ts';

/** The namespace's Deployments (with their pods) and recent events, read live from the cluster. */
function useWorkloadTabs(workspace: string, name: string, enabled: boolean): DetailTab[] {
  const workloads = useEnvironmentWorkloads(workspace, name, enabled);
  if (!enabled) return [];
  const state = workloads.isPending ? (
    <Loading label="Reading the cluster…" />
  ) : workloads.error ? (
    <ErrorNotice error={workloads.error} title="Cannot read the cluster" />
  ) : null;
  const { deployments = [], events = [] } = workloads.data ?? {};
  return [
    {
      id: 'deployments',
      label: 'Deployments',
      content: state ?? (
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
              <PodsTable label={`Pods of ${deployment.name}`} pods={deployment.pods} />
            </div>
          ))}
        </>
      ),
    },
    {
      id: 'events',
      label: 'Events',
      content: state ?? (
        <>
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
      ),
    },
  ];
}

/** Says when deploys into the environment are held: locked, or in a freeze window (until when). */
function HoldBanner({ environment }: { environment: Environment }) {
  if (!environment.locked && !environment.frozen) return null;
  return (
    <div className="notice notice-info" role="status" data-testid="environment-hold">
      {environment.locked ? <p>Locked: deploys wait until the environment is unlocked.</p> : null}
      {environment.frozen ? (
        <p>
          Frozen ({describeFreezeWindow(environment.frozen.window)}) until{' '}
          {formatTime(environment.frozen.until)}: deploys wait until then, unless an admin breaks the freeze
          for one.
        </p>
      ) : null}
    </div>
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
  const { confirm, dialog: confirmDialog } = useConfirm();
  const [editing, setEditing] = useState(false);
  const env = environment.data;
  const mayAudit = usePermission('workspace.audit.read', { workspace }).allowed;
  const withCluster = Boolean(env?.cluster);
  const tabs: DetailTab[] = [
    ...useWorkloadTabs(workspace, name, withCluster),
    ...(withCluster
      ? [
          {
            id: 'live',
            label: 'Live',
            content: <EnvironmentLive workspace={workspace} environment={name} />,
          },
          {
            id: 'queue',
            label: 'Queue',
            content: <EnvironmentQueue workspace={workspace} environment={name} />,
          },
        ]
      : []),
    {
      id: 'releases',
      label: 'Releases',
      content: <EnvironmentReleases workspace={workspace} environment={name} />,
    },
    ...(mayAudit
      ? [
          {
            id: 'approvals-report',
            label: 'Approvals report',
            content: <ApprovalsReport workspace={workspace} environment={name} />,
          },
        ]
      : []),
  ];
  const closeEdit = () => {
    setEditing(false);
    update.reset();
  };

  const deleteEnvironment = async () => {
    if (!env) return;
    // Read when the delete is sent: the checkbox in the dialog sets it.
    const deleteNamespace = { current: false };
    const deleted = await confirm({
      title: 'Delete environment',
      body: (
        <>
          <p>Delete environment “{env.name}”?</p>
          {env.cluster ? (
            <label className="checkbox">
              <input
                type="checkbox"
                defaultChecked={false}
                onChange={(event) => {
                  deleteNamespace.current = event.target.checked;
                }}
              />
              Also delete namespace <code>{env.namespace}</code> and everything in it
            </label>
          ) : null}
        </>
      ),
      confirmLabel: 'Delete environment',
      danger: true,
      ...deleteCancellingRuns((cancelRuns) =>
        remove.mutateAsync({ name, deleteNamespace: deleteNamespace.current, cancelRuns }),
      ),
    });
    if (deleted) navigate(paths.environments(workspace), { replace: true });
  };

  return (
    <DetailPage
      title={
        env ? (
          <>
            {env.name} {env.production ? <span className="badge badge-prod">production</span> : null}
          </>
        ) : (
          name
        )
      }
      subtitle={
        env ? (
          <>
            <p>
              {env.cluster ? (
                <>
                  Cluster <code>{env.cluster}</code>, namespace <code>{env.namespace}</code>
                </>
              ) : (
                'Runs on the local executor (no cluster).'
              )}
            </p>
            <p>
              ConfigMaps kept for the last {env.retainReleases}{' '}
              {env.retainReleases === 1 ? 'release' : 'releases'} per project besides the live one.
            </p>
            <HoldBanner environment={env} />
          </>
        ) : null
      }
      query={environment}
      errorTitle="Cannot open environment"
      actions={
        <>
          <CopyEnvironmentButton workspace={workspace} environment={name} />
          <Gate permission="workspace.environments.manage" workspace={workspace} mode="disable">
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </Gate>
          <Gate permission="workspace.environments.manage" workspace={workspace} mode="disable">
            <button type="button" className="button button-danger-outline" onClick={deleteEnvironment}>
              Delete
            </button>
          </Gate>
        </>
      }
      tabs={tabs}
    >
      {() =>
        env ? (
          <>
            <Modal title="Edit environment" open={editing} onClose={closeEdit}>
              <EnvironmentForm
                mode="edit"
                workspace={workspace}
                initial={initialEnvironmentValues(env)}
                clusters={clusterChoices(isAdmin, clusters)}
                onCancel={closeEdit}
                submit={(values) =>
                  update.mutateAsync({
                    cluster: values.cluster || null,
                    namespace: values.cluster ? values.namespace || null : null,
                    order: values.order,
                    production: values.production,
                    approvalPolicy: approvalPolicyOf(values),
                    freezeWindows: values.freezeWindows,
                    retainReleases: values.retainReleases,
                  })
                }
                onSuccess={closeEdit}
              />
            </Modal>
            {confirmDialog}
          </>
        ) : null
      }
    </DetailPage>
  );
}

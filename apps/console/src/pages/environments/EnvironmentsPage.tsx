import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Gate } from '../../components/Gate.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Modal } from '../../components/Modal.tsx';
import { useSession } from '../../features/auth/api/queries.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { useCreateEnvironment } from '../../features/environments/api/mutations.ts';
import { useEnvironments } from '../../features/environments/api/queries.ts';
import {
  EnvironmentForm,
  initialEnvironmentValues,
} from '../../features/environments/components/EnvironmentForm.tsx';

export function EnvironmentsPage() {
  const workspace = useParams().workspace ?? '';
  const session = useSession();
  const isAdmin = session.data?.user.platformAdmin ?? false;
  const clusters = useClusters({ enabled: isAdmin });
  const environments = useEnvironments(workspace);
  const create = useCreateEnvironment(workspace);
  const [creating, setCreating] = useState(false);
  const close = () => {
    setCreating(false);
    create.reset();
  };
  const items = environments.data?.items ?? [];

  return (
    <section aria-labelledby="environments-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={paths.workspaces()}>Workspaces</Link> /{' '}
        <Link to={paths.workspace(workspace)}>{workspace}</Link> / <span>Environments</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 id="environments-title">Environments</h1>
          <p className="muted">Where this workspace deploys, in promotion order, and who approves.</p>
        </div>
        <Gate permission="workspace.environments.manage" workspace={workspace}>
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create environment
          </button>
        </Gate>
      </div>
      {environments.isPending ? <Loading /> : null}
      <ErrorNotice error={environments.error} title="Cannot list environments" />
      {environments.isSuccess && items.length === 0 ? (
        <div className="empty">
          <p>No environments yet.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Environments">
            <thead>
              <tr>
                <th>Order</th>
                <th>Name</th>
                <th>Cluster / namespace</th>
                <th>Approvals</th>
              </tr>
            </thead>
            <tbody>
              {items.map((environment) => (
                <tr key={environment.name}>
                  <td>{environment.order}</td>
                  <td>
                    <Link to={paths.environment(workspace, environment.name)}>{environment.name}</Link>{' '}
                    {environment.production ? <span className="badge badge-prod">production</span> : null}
                    {environment.locked ? <span className="badge">locked</span> : null}
                  </td>
                  <td>
                    {environment.cluster ? (
                      <code>
                        {environment.cluster}/{environment.namespace}
                      </code>
                    ) : (
                      <span className="muted">local executor</span>
                    )}
                  </td>
                  <td>
                    {environment.approvalPolicy.requiredApprovals === 0
                      ? 'none'
                      : `${environment.approvalPolicy.requiredApprovals} × ${environment.approvalPolicy.approverRole}${
                          environment.approvalPolicy.allowSelfApproval ? '' : ', not the starter'
                        }`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Modal title="Create environment" open={creating} onClose={close}>
        <EnvironmentForm
          mode="create"
          initial={initialEnvironmentValues()}
          clusters={isAdmin ? clusters.data?.items.map((c) => c.name) : undefined}
          onCancel={close}
          submit={(values) =>
            create.mutateAsync({
              name: values.name,
              ...(values.cluster ? { cluster: values.cluster } : {}),
              ...(values.cluster && values.namespace ? { namespace: values.namespace } : {}),
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
    </section>
  );
}

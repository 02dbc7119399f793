import type { Environment } from '@slipway/contracts';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Gate } from '../../components/Gate.tsx';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import { useSession } from '../../features/auth/api/queries.ts';
import { useClusters } from '../../features/clusters/api/queries.ts';
import { useCreateEnvironment } from '../../features/environments/api/mutations.ts';
import { useEnvironments } from '../../features/environments/api/queries.ts';
import {
  approvalPolicyOf,
  clusterChoices,
  EnvironmentForm,
  initialEnvironmentValues,
} from '../../features/environments/components/EnvironmentForm.tsx';

function approvalsOf(environment: Environment): string {
  const policy = environment.approvalPolicy;
  if (policy.requiredApprovals === 0) return 'none';
  return `${policy.requiredApprovals} × ${policy.approverRole}${policy.allowSelfApproval ? '' : ', not the starter'}`;
}

function environmentColumns(workspace: string): ListColumn<Environment>[] {
  return [
    { header: 'Order', cell: (environment) => environment.order },
    {
      header: 'Name',
      cell: (environment) => (
        <>
          <Link to={paths.environment(workspace, environment.name)}>{environment.name}</Link>{' '}
          {environment.production ? <span className="badge badge-prod">production</span> : null}
          {environment.locked ? <span className="badge">locked</span> : null}
        </>
      ),
    },
    {
      header: 'Cluster / namespace',
      cell: (environment) =>
        environment.cluster ? (
          <code>
            {environment.cluster}/{environment.namespace}
          </code>
        ) : (
          <span className="muted">local executor</span>
        ),
    },
    { header: 'Approvals', cell: approvalsOf },
    { header: 'Releases kept', cell: (environment) => environment.retainReleases },
  ];
}

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
  const createButton = (label: string, className: string) => (
    <Gate permission="workspace.environments.manage" workspace={workspace}>
      <button type="button" className={className} onClick={() => setCreating(true)}>
        {label}
      </button>
    </Gate>
  );

  return (
    <ListPage
      title="Environments"
      description="Where this workspace deploys, in promotion order, and who approves."
      actions={createButton('Create environment', 'button button-primary')}
      query={environments}
      errorTitle="Cannot list environments"
      items={environments.data?.items}
      columns={environmentColumns(workspace)}
      rowKey={(environment) => environment.name}
      empty={{
        title: 'No environments yet.',
        action: createButton('Create the first environment', 'button'),
      }}
    >
      <Modal title="Create environment" open={creating} onClose={close}>
        <EnvironmentForm
          mode="create"
          workspace={workspace}
          initial={initialEnvironmentValues()}
          clusters={clusterChoices(isAdmin, clusters)}
          onCancel={close}
          submit={(values) =>
            create.mutateAsync({
              name: values.name,
              ...(values.cluster ? { cluster: values.cluster } : {}),
              ...(values.cluster && values.namespace ? { namespace: values.namespace } : {}),
              order: values.order,
              production: values.production,
              approvalPolicy: approvalPolicyOf(values),
              freezeWindows: values.freezeWindows,
              retainReleases: values.retainReleases,
            })
          }
          onSuccess={close}
        />
      </Modal>
    </ListPage>
  );
}

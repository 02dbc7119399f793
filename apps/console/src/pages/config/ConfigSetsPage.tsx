import type { ConfigSet } from '@slipway/contracts';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import { useCreateConfigSet } from '../../features/config/api/mutations.ts';
import { useConfigSets } from '../../features/config/api/queries.ts';
import { CreateConfigSetForm } from '../../features/config/components/CreateConfigSetForm.tsx';
import { useCreateSetDialog } from '../../features/manifests/components/versioned-sets.tsx';

/** "staging v3, production v2": the newest version in each environment that has one. */
function versionsOf(set: ConfigSet) {
  if (set.environments.length === 0) return <span className="muted">no versions yet</span>;
  return set.environments
    .map((environment) => `${environment.environment} v${environment.latestVersion}`)
    .join(', ');
}

export function ConfigSetsPage() {
  const params = useParams();
  const scope = { workspace: params.workspace ?? '', project: params.project ?? '' };
  const sets = useConfigSets(scope.workspace, scope.project);
  const create = useCreateConfigSet(scope.workspace, scope.project);
  const creating = useCreateSetDialog(scope, create);
  const navigate = useNavigate();
  const columns: ListColumn<ConfigSet>[] = [
    {
      header: 'Config set',
      cell: (set) => (
        <>
          <Link to={paths.configSet(scope.workspace, scope.project, set.name)}>{set.name}</Link>
          {set.description ? <div className="muted small">{set.description}</div> : null}
        </>
      ),
    },
    { header: 'Latest versions', cell: versionsOf },
    { header: 'Created', className: 'muted', cell: (set) => new Date(set.createdAt).toLocaleString() },
  ];
  return (
    <ListPage
      title="Config sets"
      description="Versioned configuration per environment: a deploy mounts a version as the immutable ConfigMap <set>-v<version>, so a rollback brings back its config too."
      actions={creating.button('Create config set')}
      query={sets}
      errorTitle="Cannot list config sets"
      items={sets.data?.items}
      columns={columns}
      rowKey={(set) => set.name}
      empty={{ title: 'No config sets yet.', action: creating.button('Create the first config set') }}
    >
      <Modal title="Create config set" open={creating.open} onClose={creating.close}>
        <CreateConfigSetForm
          submit={create.mutateAsync}
          onCancel={creating.close}
          onSuccess={(name) => navigate(paths.configSet(scope.workspace, scope.project, name))}
        />
      </Modal>
    </ListPage>
  );
}

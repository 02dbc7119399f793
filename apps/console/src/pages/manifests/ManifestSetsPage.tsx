import type { ManifestSet } from '@slipway/contracts';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { Modal } from '../../components/Modal.tsx';
import { type ListColumn, ListPage } from '../../components/page/ListPage.tsx';
import { useCreateManifestSet } from '../../features/manifests/api/mutations.ts';
import { useManifestSets } from '../../features/manifests/api/queries.ts';
import { CreateManifestSetForm } from '../../features/manifests/components/CreateManifestSetForm.tsx';
import { useCreateSetDialog } from '../../features/manifests/components/versioned-sets.tsx';

export function ManifestSetsPage() {
  const params = useParams();
  const scope = { workspace: params.workspace ?? '', project: params.project ?? '' };
  const sets = useManifestSets(scope.workspace, scope.project);
  const create = useCreateManifestSet(scope.workspace, scope.project);
  const creating = useCreateSetDialog(scope, create);
  const navigate = useNavigate();
  const columns: ListColumn<ManifestSet>[] = [
    {
      header: 'Manifest set',
      cell: (set) => <Link to={paths.manifestSet(scope.workspace, scope.project, set.name)}>{set.name}</Link>,
    },
    { header: 'Latest version', cell: (set) => set.latestVersion },
    {
      header: 'Updated',
      className: 'muted',
      cell: (set) => (
        <>
          {new Date(set.updatedAt).toLocaleString()} {set.updatedBy ? `by ${set.updatedBy}` : ''}
        </>
      ),
    },
  ];
  return (
    <ListPage
      title="Manifest sets"
      description="The project's Kubernetes YAML, every save a numbered version; a pipeline's deploy step applies the newest one."
      actions={creating.button('Create manifest set')}
      query={sets}
      errorTitle="Cannot list manifest sets"
      items={sets.data?.items}
      columns={columns}
      rowKey={(set) => set.name}
      empty={{ title: 'No manifest sets yet.', action: creating.button('Create the first manifest set') }}
    >
      <Modal title="Create manifest set" open={creating.open} onClose={creating.close}>
        <CreateManifestSetForm
          submit={create.mutateAsync}
          onCancel={creating.close}
          onSuccess={(name) => navigate(paths.manifestSet(scope.workspace, scope.project, name))}
        />
      </Modal>
    </ListPage>
  );
}

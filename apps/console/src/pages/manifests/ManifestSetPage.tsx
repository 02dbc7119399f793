import { useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { usePermission } from '../../features/access/api/queries.ts';
import { useDeleteManifestSet } from '../../features/manifests/api/mutations.ts';
import {
  type ManifestSetRef,
  useManifestSet,
  useManifestVersion,
} from '../../features/manifests/api/queries.ts';
import { ManifestHistory } from '../../features/manifests/components/ManifestHistory.tsx';
import { ManifestSetEditor } from '../../features/manifests/components/ManifestSetEditor.tsx';
import {
  SET_EDIT_PERMISSION,
  useDeleteSetAction,
} from '../../features/manifests/components/versioned-sets.tsx';

/** The Editor tab: the newest version, loaded, then edited. */
function EditorTab(props: { target: ManifestSetRef; latest: number; canEdit: boolean }) {
  const version = useManifestVersion(props.target, props.latest, true);
  if (version.error) return <ErrorNotice error={version.error} title="Cannot open the newest version" />;
  if (!version.data) return <p className="muted">Loading version {props.latest}…</p>;
  return (
    <ManifestSetEditor
      target={props.target}
      current={{ version: version.data.version, files: version.data.files }}
      canEdit={props.canEdit}
    />
  );
}

/** A manifest set: Editor (the newest version, with the cluster's schema) and History tabs. */
export function ManifestSetPage() {
  const params = useParams();
  const target = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    name: params.name ?? '',
  };
  const set = useManifestSet(target);
  const remove = useDeleteManifestSet(target);
  const navigate = useNavigate();
  const canEdit = usePermission(SET_EDIT_PERMISSION, target).allowed;
  const latest = set.data?.latestVersion;
  const deletion = useDeleteSetAction({
    scope: target,
    noun: 'manifest set',
    name: target.name,
    consequence: 'Releases keep the objects they applied.',
    remove: () => remove.mutateAsync(),
    onDeleted: () => navigate(paths.manifestSets(target.workspace, target.project), { replace: true }),
  });
  return (
    <DetailPage
      title={target.name}
      subtitle={latest !== undefined ? <p className="muted">Version {latest}</p> : null}
      query={set}
      errorTitle="Cannot open manifest set"
      actions={deletion.button}
      tabs={[
        {
          id: 'editor',
          label: 'Editor',
          content:
            latest !== undefined ? <EditorTab target={target} latest={latest} canEdit={canEdit} /> : null,
        },
        { id: 'history', label: 'History', content: <ManifestHistory target={target} /> },
      ]}
    >
      {deletion.dialog}
    </DetailPage>
  );
}

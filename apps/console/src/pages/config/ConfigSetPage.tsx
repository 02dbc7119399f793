import { useNavigate, useParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { usePermission } from '../../features/access/api/queries.ts';
import { useDeleteConfigSet } from '../../features/config/api/mutations.ts';
import { useConfigSet } from '../../features/config/api/queries.ts';
import { ConfigEnvironmentPanel } from '../../features/config/components/ConfigEnvironmentPanel.tsx';
import { useEnvironments } from '../../features/environments/api/queries.ts';
import {
  SET_EDIT_PERMISSION,
  useDeleteSetAction,
} from '../../features/manifests/components/versioned-sets.tsx';

/** A config set: one tab per environment of the workspace (in promotion order), each with its versions. */
export function ConfigSetPage() {
  const params = useParams();
  const target = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    name: params.name ?? '',
  };
  const set = useConfigSet(target);
  const environments = useEnvironments(target.workspace);
  const remove = useDeleteConfigSet(target);
  const navigate = useNavigate();
  const canEdit = usePermission(SET_EDIT_PERMISSION, target).allowed;
  const deletion = useDeleteSetAction({
    scope: target,
    noun: 'config set',
    name: target.name,
    consequence: 'Releases keep what they deployed.',
    remove: () => remove.mutateAsync(),
    onDeleted: () => navigate(paths.configSets(target.workspace, target.project), { replace: true }),
  });
  const ordered = [...(environments.data?.items ?? [])].sort(
    (a, b) => a.order - b.order || a.name.localeCompare(b.name),
  );
  return (
    <DetailPage
      title={target.name}
      subtitle={set.data?.description ? <p>{set.data.description}</p> : null}
      query={set}
      errorTitle="Cannot open config set"
      actions={deletion.button}
      tabs={ordered.map((environment) => ({
        id: environment.name,
        label: environment.name,
        content: (
          <ConfigEnvironmentPanel
            key={environment.name}
            target={target}
            environment={environment.name}
            canEdit={canEdit}
          />
        ),
      }))}
    >
      {() => (
        <>
          {environments.data && ordered.length === 0 ? (
            <p className="muted">
              The workspace has no environments yet: create one to give this set a version.
            </p>
          ) : null}
          {deletion.dialog}
        </>
      )}
    </DetailPage>
  );
}

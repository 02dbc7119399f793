import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { type ConfigSetRef, useConfigVersion, useConfigVersions } from '../api/queries.ts';
import { ConfigHistory } from './ConfigHistory.tsx';
import { ConfigVersionEditor } from './ConfigVersionEditor.tsx';

/** One environment's tab of a config set: the editor of its next version, then its history. */
export function ConfigEnvironmentPanel(props: {
  target: ConfigSetRef;
  environment: string;
  canEdit: boolean;
}) {
  const { target, environment } = props;
  const versions = useConfigVersions(target, environment);
  const latest = versions.data?.items[0]?.version ?? null;
  const current = useConfigVersion(target, environment, latest, true);
  const loading = versions.isPending || (latest !== null && current.isPending);
  return (
    <>
      <ErrorNotice error={versions.error ?? current.error} title="Cannot load the current version" />
      {loading ? (
        <p className="muted">Loading…</p>
      ) : (
        <ConfigVersionEditor
          target={target}
          environment={environment}
          current={
            latest !== null && current.data
              ? { version: current.data.version, data: current.data.data }
              : null
          }
          canEdit={props.canEdit}
        />
      )}
      <ConfigHistory target={target} environment={environment} />
    </>
  );
}

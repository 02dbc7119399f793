import { useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { type ManifestSetRef, useManifestVersion, useManifestVersions } from '../api/queries.ts';
import { BUILT_IN_SCHEMA_KEY } from '../editor/kubernetes-model.ts';
import { ManifestFilesEditor } from './ManifestFilesEditor.tsx';
import { savedColumn, viewVersionColumn } from './versioned-sets.tsx';

type VersionSummary = NonNullable<ReturnType<typeof useManifestVersions>['data']>['items'][number];

/** One version's files, read-only. */
function VersionFiles(props: { target: ManifestSetRef; version: number }) {
  const { target } = props;
  const version = useManifestVersion(target, props.version);
  if (version.error) return <ErrorNotice error={version.error} title="Cannot open the version" />;
  if (!version.data) return <p className="muted">Loading version {props.version}…</p>;
  return (
    <section aria-label={`Version ${props.version}`}>
      <h3>Version {props.version}</h3>
      <ManifestFilesEditor
        document={`${target.workspace}/${target.project}/${target.name}@${props.version}`}
        files={version.data.files}
        readOnly
        readOnlyMessage="A saved version never changes: edit the newest one in the Editor tab."
        schemaKey={BUILT_IN_SCHEMA_KEY}
        kubernetesSchema={undefined}
        problems={[]}
      />
    </section>
  );
}

/** The History tab of a manifest set: its versions, newest first; any one can be viewed read-only. */
export function ManifestHistory(props: { target: ManifestSetRef }) {
  const versions = useManifestVersions(props.target);
  const [viewing, setViewing] = useState<number | null>(null);
  const columns: ListColumn<VersionSummary>[] = [
    { header: 'Version', cell: (version) => version.version },
    { header: 'Message', cell: (version) => version.message ?? <span className="muted">no message</span> },
    savedColumn(),
    { header: 'Files', cell: (version) => version.paths.join(', ') },
    viewVersionColumn(viewing, setViewing),
  ];
  return (
    <>
      <ListSection
        label="Versions"
        query={versions}
        errorTitle="Cannot list versions"
        items={versions.data?.items}
        columns={columns}
        rowKey={(version) => String(version.version)}
        empty={{ title: 'No versions yet' }}
      />
      {viewing !== null ? <VersionFiles key={viewing} target={props.target} version={viewing} /> : null}
    </>
  );
}

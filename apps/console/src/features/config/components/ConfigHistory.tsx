import { useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { SelectField } from '../../../components/TextField.tsx';
import { savedColumn, viewVersionColumn } from '../../manifests/components/versioned-sets.tsx';
import { type ConfigSetRef, useConfigDiff, useConfigVersion, useConfigVersions } from '../api/queries.ts';
import { rowsOf } from '../editor/config-entries.ts';
import { ConfigDiff } from './ConfigDiff.tsx';
import { ConfigEntriesEditor } from './ConfigEntriesEditor.tsx';

type VersionSummary = NonNullable<ReturnType<typeof useConfigVersions>['data']>['items'][number];

/** One version's entries, read-only. */
function VersionEntries(props: { target: ConfigSetRef; environment: string; version: number }) {
  const version = useConfigVersion(props.target, props.environment, props.version);
  if (version.error) return <ErrorNotice error={version.error} title="Cannot open the version" />;
  if (!version.data) return <p className="muted">Loading version {props.version}…</p>;
  return (
    <section aria-label={`Version ${props.version}`}>
      <h3>
        Version {props.version} <code>{version.data.configMapName}</code>
      </h3>
      <ConfigEntriesEditor
        rows={rowsOf(version.data.data)}
        onChange={() => undefined}
        problems={new Map()}
        readOnly
      />
    </section>
  );
}

/** The server's key-by-key diff between two versions picked from the history. */
function CompareVersions(props: { target: ConfigSetRef; environment: string; versions: readonly number[] }) {
  const newest = props.versions[0] ?? 1;
  const [from, setFrom] = useState(String(props.versions[1] ?? newest));
  const [to, setTo] = useState(String(newest));
  const diff = useConfigDiff(props.target, props.environment, { from: Number(from), to: Number(to) });
  const options = props.versions.map((version) => ({ value: String(version), label: `version ${version}` }));
  return (
    <section aria-label="Compare versions">
      <h3>Compare versions</h3>
      <div className="config-compare">
        <SelectField
          label="From"
          value={from}
          options={options}
          onChange={(event) => setFrom(event.target.value)}
        />
        <SelectField
          label="To"
          value={to}
          options={options}
          onChange={(event) => setTo(event.target.value)}
        />
      </div>
      <ErrorNotice error={diff.error} title="Cannot compare" />
      {diff.data ? (
        <ConfigDiff entries={diff.data.entries} label={`Changes from version ${from} to version ${to}`} />
      ) : null}
    </section>
  );
}

/** The versions of the set in one environment, newest first; view one, compare any two. */
export function ConfigHistory(props: { target: ConfigSetRef; environment: string }) {
  const { target, environment } = props;
  const versions = useConfigVersions(target, environment);
  const [viewing, setViewing] = useState<number | null>(null);
  const items = versions.data?.items;
  const columns: ListColumn<VersionSummary>[] = [
    { header: 'Version', cell: (version) => version.version },
    { header: 'Message', cell: (version) => version.message ?? <span className="muted">no message</span> },
    savedColumn(),
    { header: 'ConfigMap', cell: (version) => <code>{version.configMapName}</code> },
    { header: 'Keys', cell: (version) => version.keys.length },
    viewVersionColumn(viewing, setViewing),
  ];
  return (
    <>
      <h3>History</h3>
      <ListSection
        label={`Versions in ${environment}`}
        query={versions}
        errorTitle="Cannot list versions"
        items={items}
        columns={columns}
        rowKey={(version) => String(version.version)}
        empty={{ title: `No versions in ${environment} yet` }}
      />
      {viewing !== null ? (
        <VersionEntries target={target} environment={environment} version={viewing} />
      ) : null}
      {items && items.length > 1 ? (
        <CompareVersions
          // A new version resets the choice to the newest two.
          key={items[0]?.version}
          target={target}
          environment={environment}
          versions={items.map((version) => version.version)}
        />
      ) : null}
    </>
  );
}

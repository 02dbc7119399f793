import { ListSection } from '../../../components/page/ListPage.tsx';
import { useEnvironmentReleases } from '../api/queries.ts';
import { releaseColumns } from '../components/release-columns.tsx';
import { useReleaseRows } from '../components/use-release-history.ts';

/** An environment's deployment history across projects, newest first, a page at a time. */
export function EnvironmentReleases({ workspace, environment }: { workspace: string; environment: string }) {
  const releases = useEnvironmentReleases(workspace, environment);
  const { items, now } = useReleaseRows(releases.data?.pages);
  return (
    <>
      <h2>Releases</h2>
      <ListSection
        label="Releases"
        query={releases}
        errorTitle="Cannot list the releases"
        items={items}
        columns={releaseColumns(workspace, 'projects', now)}
        rowKey={(release) => `${release.project}#${release.number}`}
        empty={{ title: 'Nothing was deployed here yet.' }}
        paging={releases}
      />
    </>
  );
}

import { useParams, useSearchParams } from 'react-router';
import { ListPage } from '../../components/page/ListPage.tsx';
import { useProjectReleases } from '../../features/releases/api/queries.ts';
import { EnvironmentFilter } from '../../features/releases/components/EnvironmentFilter.tsx';
import { releaseColumns } from '../../features/releases/components/release-columns.tsx';
import { useReleaseRows } from '../../features/releases/components/use-release-history.ts';

/** A project's releases, newest first, optionally of one environment (`?environment=`). */
export function ReleasesPage() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const project = params.project ?? '';
  const [search, setSearch] = useSearchParams();
  const environment = search.get('environment') || undefined;
  const releases = useProjectReleases(workspace, project, environment);
  const { items, now } = useReleaseRows(releases.data?.pages);
  const setEnvironment = (next: string | undefined) =>
    setSearch(
      (previous) => {
        const updated = new URLSearchParams(previous);
        if (next) updated.set('environment', next);
        else updated.delete('environment');
        return updated;
      },
      { replace: true },
    );
  return (
    <ListPage
      title={`Releases of ${project}`}
      description="Every deploy and rollback, newest first. Open a release for its objects, deploy log and rollback."
      filters={<EnvironmentFilter workspace={workspace} value={environment} onChange={setEnvironment} />}
      query={releases}
      errorTitle="Cannot list releases"
      items={items}
      columns={releaseColumns(workspace, 'environments', now)}
      rowKey={(release) => String(release.number)}
      empty={
        environment
          ? { title: `No release in ${environment} yet.` }
          : { title: 'No releases yet.', body: 'A run whose pipeline has a deploy step makes one.' }
      }
      paging={releases}
      label="Releases"
    />
  );
}

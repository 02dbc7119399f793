import { type CacheEntry, formatBytes } from '@slipway/contracts';
import { Gate } from '../../../components/Gate.tsx';
import { type ListColumn, ListSection } from '../../../components/page/ListPage.tsx';
import { useConfirm } from '../../../components/page/use-confirm.tsx';
import { useCaches, useClearCaches } from '../api.ts';

const columns: ListColumn<CacheEntry>[] = [
  { header: 'Key', cell: (entry) => <code>{entry.key}</code> },
  { header: 'Executor', cell: (entry) => (entry.executor === 'local' ? 'Local' : 'Kubernetes') },
  { header: 'Size', cell: (entry) => formatBytes(entry.size) },
  {
    header: 'Last used',
    className: 'muted',
    cell: (entry) => new Date(entry.lastUsedAt).toLocaleString(),
  },
];

/**
 * The project's job caches (README "Caches"): what is kept, how much of the limit it uses,
 * and "Clear caches" for who may update the project.
 */
export function ProjectCaches({ workspace, project }: { workspace: string; project: string }) {
  const caches = useCaches(workspace, project);
  const clear = useClearCaches(workspace, project);
  const { confirm, dialog } = useConfirm();
  const list = caches.data;
  const clearAll = () =>
    confirm({
      title: 'Clear caches',
      body: 'Delete all of this project’s job caches? The next runs download their dependencies again.',
      confirmLabel: 'Clear caches',
      danger: true,
      action: () => clear.mutateAsync(),
    });
  return (
    <>
      <div className="section-header">
        <h2>Caches</h2>
        {list && list.items.length > 0 ? (
          <Gate permission="project.update" workspace={workspace} project={project}>
            <button type="button" className="button button-danger-outline" onClick={clearAll}>
              Clear caches
            </button>
          </Gate>
        ) : null}
      </div>
      {list && list.items.length > 0 ? (
        <p className="muted">
          {formatBytes(list.totalSize)} of {formatBytes(list.maxProjectBytes)} used; the least recently used
          are removed past that.
        </p>
      ) : null}
      <ListSection
        label="Caches"
        query={caches}
        errorTitle="Cannot list caches"
        items={list?.items}
        columns={columns}
        rowKey={(entry) => `${entry.executor}:${entry.key}`}
        empty={{
          title: 'No caches yet.',
          body: 'A job with cache: { key, paths } saves them after it succeeds, for the next runs to restore.',
        }}
      />
      {dialog}
    </>
  );
}

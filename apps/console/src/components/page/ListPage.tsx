import type { ReactNode } from 'react';
import { PageFrame, QueryError, type QueryLike, Skeleton } from './PageFrame.tsx';
import './page.css';

/** One column of a list page's table: its header and how a row's cell is drawn. */
export interface ListColumn<T> {
  header: ReactNode;
  cell: (item: T) => ReactNode;
  /** Set on both the header cell and the body cells of the column. */
  className?: string;
}

/** Props of `ListPage` (the contract of issue #12; optional props may be added, never renamed). */
export interface ListPageProps<T> {
  /** The page's <h1>. */
  title: ReactNode;
  /** A line (or more) under the title saying what the page lists. */
  description?: ReactNode;
  /** Header buttons (e.g. "Create project"), right-aligned. */
  actions?: ReactNode;
  /** A filter bar above the table. */
  filters?: ReactNode;
  /** A TanStack query (or infinite query) that loads `items`. */
  query: QueryLike;
  /** Shown before the API's message when the query fails, e.g. "Cannot list credentials". */
  errorTitle?: string;
  /** The rows; `undefined` while nothing has loaded. */
  items: readonly T[] | undefined;
  columns: readonly ListColumn<T>[];
  /** A stable key per row (a slug, a name, an id). */
  rowKey: (item: T) => string;
  /** Clicking anywhere on a row (keep a real button or link in the row for keyboard users). */
  onRowClick?: (item: T) => void;
  /** The empty state, with the first action (e.g. "Create the first workspace"). */
  empty: { title: ReactNode; body?: ReactNode; action?: ReactNode };
  /** Cursor paging from an infinite query: a "Load more" button under the table. */
  paging?: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  /** The table's accessible name; defaults to the title when the title is text. */
  label?: string;
  /** Dialogs and anything below the table. */
  children?: ReactNode;
}

/** The list part of a list page, for a list inside another page (a detail page's projects). */
export type ListSectionProps<T> = Pick<
  ListPageProps<T>,
  'filters' | 'query' | 'errorTitle' | 'items' | 'columns' | 'rowKey' | 'onRowClick' | 'empty' | 'paging'
> & { label: string };

/**
 * A list page: breadcrumbs, header, filters, then one of a loading skeleton, the query's error
 * (with request id and Retry), the empty state, or the table — which scrolls sideways inside
 * its own box, never the page — and "Load more" for cursor paging.
 * Shaped after Headlamp's `ResourceListView`/`SectionBox` (title, actions, table with empty
 * and error messages) and Argo CD's `DataLoader` (one place decides loading/error/content).
 */
export function ListPage<T>(props: ListPageProps<T>) {
  const label = props.label ?? (typeof props.title === 'string' ? props.title : '');
  return (
    <PageFrame title={props.title} description={props.description} actions={props.actions}>
      <ListSection {...props} label={label} />
      {props.children}
    </PageFrame>
  );
}

/** Filters, loading skeleton, error with Retry, empty state, scrolling table and "Load more". */
export function ListSection<T>(props: ListSectionProps<T>) {
  const { query, paging, onRowClick } = props;
  const rows = props.items ?? [];
  const empty = !query.isPending && !query.error && rows.length === 0;
  return (
    <>
      {props.filters ? <div className="page-filters">{props.filters}</div> : null}
      {query.isPending && rows.length === 0 ? <Skeleton /> : null}
      <QueryError query={query} title={props.errorTitle} />
      {empty ? (
        <div className="empty page-empty">
          <p className="page-empty-title">{props.empty.title}</p>
          {props.empty.body ? <div className="muted">{props.empty.body}</div> : null}
          {props.empty.action ? <div className="page-empty-action">{props.empty.action}</div> : null}
        </div>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-scroll page-table-scroll">
          <table className="table" aria-label={props.label}>
            <thead>
              <tr>
                {props.columns.map((column, index) => (
                  // Columns are a fixed list per page: their position is their identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: see above
                  <th key={index} className={column.className}>
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((item) => (
                <tr
                  key={props.rowKey(item)}
                  className={onRowClick ? 'clickable-row' : undefined}
                  onClick={onRowClick ? () => onRowClick(item) : undefined}
                >
                  {props.columns.map((column, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed, as above
                    <td key={index} className={column.className}>
                      {column.cell(item)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {paging?.hasNextPage ? (
        <div className="page-more">
          <button
            type="button"
            className="button"
            disabled={paging.isFetchingNextPage}
            onClick={() => paging.fetchNextPage()}
          >
            {paging.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </>
  );
}

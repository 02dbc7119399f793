import { type KeyboardEvent, type ReactNode, useId, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { PageFrame, QueryError, type QueryLike, Skeleton } from './PageFrame.tsx';
import { selectedTabId, TAB_PARAM, tabIndexAfterKey } from './tabs.ts';
import './page.css';

export { useConfirm } from './use-confirm.tsx';

/** One tab of a detail page; `id` is what `?tab=` holds. */
export interface DetailTab {
  id: string;
  label: ReactNode;
  content: ReactNode;
}

/** Props of `DetailPage` (the contract of issue #12; optional props may be added, never renamed). */
export interface DetailPageProps {
  title: ReactNode;
  subtitle?: ReactNode;
  /** Header buttons, right-aligned. */
  actions?: ReactNode;
  /** The query the page shows; while pending a skeleton, on failure its error with Retry. */
  query?: QueryLike;
  /** Shown before the API's message when the query fails, e.g. "Cannot open project". */
  errorTitle?: string;
  /** Tabs, the selected one in the URL (`?tab=id`), keyboard accessible (roving tabindex). */
  tabs?: readonly DetailTab[];
  /**
   * The body (under the tabs when there are tabs: dialogs and the like). Shown only once the
   * query has loaded; pass a function to build it only then (like Argo CD's `DataLoader`
   * children), so it may read the query's data unguarded.
   */
  children?: ReactNode | (() => ReactNode);
}

/**
 * A detail page: breadcrumbs from the route's crumbs, a header with actions, the query's
 * loading and error states, then tabs and/or the body. Pair it with `useConfirm` for
 * confirmation dialogs.
 */
export function DetailPage(props: DetailPageProps) {
  const { query } = props;
  const loading = query?.isPending === true;
  const failed = Boolean(query?.error);
  const ready = !loading && !failed;
  return (
    <PageFrame title={props.title} description={props.subtitle} actions={ready ? props.actions : undefined}>
      {loading ? <Skeleton rows={3} /> : null}
      {query ? <QueryError query={query} title={props.errorTitle} /> : null}
      {ready && props.tabs && props.tabs.length > 0 ? <Tabs tabs={props.tabs} /> : null}
      {ready ? (typeof props.children === 'function' ? props.children() : props.children) : null}
    </PageFrame>
  );
}

/** The WAI-ARIA tabs pattern: one tab stop, arrows/Home/End move and select, panel labelled by its tab. */
function Tabs({ tabs }: { tabs: readonly DetailTab[] }) {
  const [search, setSearch] = useSearchParams();
  const selected = selectedTabId(tabs, search.get(TAB_PARAM));
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const base = useId();
  const tabId = (id: string) => `${base}-tab-${id}`;
  const panelId = `${base}-panel`;
  const select = (id: string) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set(TAB_PARAM, id);
        return next;
      },
      { replace: true },
    );
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = tabIndexAfterKey(event.key, index, tabs.length);
    const tab = next === undefined ? undefined : tabs[next];
    if (next === undefined || !tab) return;
    event.preventDefault();
    select(tab.id);
    buttons.current[next]?.focus();
  };
  const current = tabs.find((tab) => tab.id === selected);
  return (
    <>
      <div role="tablist" className="page-tabs">
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            role="tab"
            id={tabId(tab.id)}
            className="page-tab"
            aria-selected={tab.id === selected}
            aria-controls={panelId}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => select(tab.id)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {current ? (
        <div role="tabpanel" id={panelId} aria-labelledby={tabId(current.id)} className="page-tabpanel">
          {current.content}
        </div>
      ) : null}
    </>
  );
}

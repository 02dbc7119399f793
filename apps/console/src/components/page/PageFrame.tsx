import { type ReactNode, useEffect, useId, useRef } from 'react';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Breadcrumbs } from './Breadcrumbs.tsx';
import './page.css';

/** The part of a TanStack query (plain or infinite) the shells read. */
export interface QueryLike {
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The frame both shells share: a section named by its <h1>, the breadcrumbs, and the header
 * (title, optional description, right-aligned actions). Internal to `components/page`.
 */
export function PageFrame(props: {
  title: ReactNode;
  description?: ReactNode | undefined;
  actions?: ReactNode | undefined;
  className?: string | undefined;
  children?: ReactNode;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The window's title names the page (WCAG 2.4.2 Page Titled): tabs, history and screen
  // readers tell pages apart. Read from the rendered heading, so a title given as nodes works.
  useEffect(() => {
    const text = heading.current?.textContent?.trim();
    document.title = text ? `${text} · Slipway` : 'Slipway';
  });
  return (
    <section aria-labelledby={headingId} className={props.className}>
      <Breadcrumbs />
      <div className="page-header">
        <div className="page-heading">
          <h1 id={headingId} ref={heading}>
            {props.title}
          </h1>
          {props.description ? <div className="muted page-description">{props.description}</div> : null}
        </div>
        {props.actions ? <div className="actions page-actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </section>
  );
}

/** A loading placeholder shaped like the content it stands for (`rows` grey bars). */
export function Skeleton({ rows = 4, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div className="page-skeleton" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, row) => (
        <div key={String(row)} className="page-skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}

/** A failed query: the API's message and request id (`ErrorNotice`) and a Retry button. */
export function QueryError(props: { query: QueryLike; title?: string | undefined }) {
  if (!props.query.error) return null;
  return (
    <div className="page-error">
      <ErrorNotice error={props.query.error} {...(props.title ? { title: props.title } : {})} />
      <button type="button" className="button" onClick={() => props.query.refetch()}>
        Retry
      </button>
    </div>
  );
}

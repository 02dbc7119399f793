import { createContext, type ReactNode, useContext } from 'react';
import { Link, useMatches } from 'react-router';
import { crumbsOf } from './crumbs.ts';
import './page.css';

const CurrentCrumb = createContext(false);

/**
 * One breadcrumb: a link to `to` (build it with `paths`), or plain text marked
 * `aria-current="page"` when it is the last crumb (the page being shown).
 */
export function Crumb(props: { to: string; children: ReactNode }) {
  const current = useContext(CurrentCrumb);
  return current ? (
    <span aria-current="page">{props.children}</span>
  ) : (
    <Link to={props.to}>{props.children}</Link>
  );
}

/**
 * The trail of the matched routes' `handle.crumb`s (see `crumbs.ts`), rendered by both page
 * shells. Nothing is shown for a top-level page (a trail of one).
 */
export function Breadcrumbs() {
  const trail = crumbsOf(useMatches());
  if (trail.length < 2) return null;
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <ol className="page-crumbs">
        {trail.map((entry) => (
          <li key={entry.id}>
            <CurrentCrumb value={entry.current}>{entry.node}</CurrentCrumb>
          </li>
        ))}
      </ol>
    </nav>
  );
}

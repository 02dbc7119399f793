import type { ReactNode } from 'react';
import type { Params } from 'react-router';

/**
 * A route's breadcrumb, declared in the route's `handle` in `app/router.tsx`:
 * `handle: { crumb: (params) => <Crumb to={paths.x(…)}>name</Crumb> }`. Routes are nested by
 * URL, so the matched routes from the root to the page give the trail (react-router's
 * `useMatches`, as in its breadcrumbs guide).
 */
export interface CrumbHandle {
  crumb: (params: Params) => ReactNode;
}

/** One entry of the trail; `current` marks the last one (the page itself, not a link). */
export interface CrumbEntry {
  id: string;
  node: ReactNode;
  current: boolean;
}

function hasCrumb(handle: unknown): handle is CrumbHandle {
  return (
    typeof handle === 'object' &&
    handle !== null &&
    typeof (handle as { crumb?: unknown }).crumb === 'function'
  );
}

/**
 * The trail for the matched routes (outermost first): each route whose `handle` has a `crumb`,
 * called with the matched params. Routes without one (layouts, index routes) add nothing.
 */
export function crumbsOf(matches: readonly { id: string; params: Params; handle: unknown }[]): CrumbEntry[] {
  const withCrumb = matches.filter((match) => hasCrumb(match.handle));
  return withCrumb.map((match, index) => ({
    id: match.id,
    node: (match.handle as CrumbHandle).crumb(match.params),
    current: index === withCrumb.length - 1,
  }));
}

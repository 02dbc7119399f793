// Whether a delivery's event passes a webhook's filters, and if not, which filter said no:
// the reason is shown on the delivery, so it has to name the filter and the value.
import type { WebhookEvent } from '@slipway/contracts';
import { formatRunRef, globMatches } from '@slipway/pipeline';
import type { DeliveryEvent } from './webhook-events.ts';

export interface WebhookFilters {
  events: readonly string[];
  branches: readonly string[];
  tags: readonly string[];
  paths: readonly string[];
}

export type FilterDecision =
  | { matches: true; ref: string; reason: string }
  | { matches: false; reason: string };

const MAX_LISTED = 5;

function list(values: readonly string[]): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED ? `${shown} and ${values.length - MAX_LISTED} more` : shown;
}

function enabled(filters: WebhookFilters, event: WebhookEvent): boolean {
  return filters.events.includes(event);
}

/**
 * Decides whether `event` should start a run; `ref` is what the run builds: the branch's
 * name, or `refs/tags/<name>` for a tag (so the run knows it builds a tag: git-ref.ts).
 */
export function matchWebhook(filters: WebhookFilters, event: DeliveryEvent): FilterDecision {
  if (event.kind === 'ping') return { matches: false, reason: 'ping: the webhook is reachable' };
  if (event.kind === 'other') {
    return {
      matches: false,
      reason: `event "${event.event}"${event.ref ? ` on ${event.ref}` : ''} is not a branch push or tag push`,
    };
  }
  if (event.kind === 'tag') {
    const tag = event.tag ?? '';
    if (event.deleted) return { matches: false, reason: `tag "${tag}" was deleted` };
    if (!enabled(filters, 'tag')) {
      return { matches: false, reason: `tag events are not enabled (events: ${list(filters.events)})` };
    }
    if (filters.tags.length > 0 && !filters.tags.some((glob) => globMatches(glob, tag))) {
      return {
        matches: false,
        reason: `tag "${tag}" matches none of the tag filters: ${list(filters.tags)}`,
      };
    }
    return { matches: true, ref: formatRunRef({ kind: 'tag', name: tag }), reason: `tag ${tag}` };
  }

  const branch = event.branch ?? '';
  if (event.deleted) return { matches: false, reason: `branch "${branch}" was deleted` };
  if (!enabled(filters, 'push')) {
    return { matches: false, reason: `push events are not enabled (events: ${list(filters.events)})` };
  }
  if (filters.branches.length > 0 && !filters.branches.some((glob) => globMatches(glob, branch))) {
    return {
      matches: false,
      reason: `branch "${branch}" matches none of the branch filters: ${list(filters.branches)}`,
    };
  }
  if (filters.paths.length > 0) {
    const changed = event.changedPaths.find((path) => filters.paths.some((glob) => globMatches(glob, path)));
    if (changed !== undefined)
      return { matches: true, ref: branch, reason: `push to ${branch} changed ${changed}` };
    // Better one run too many than a missed build: the files of the unlisted commits are unknown.
    if (!event.changedPathsComplete) {
      return {
        matches: true,
        ref: branch,
        reason: `push to ${branch}: the payload lists only some commits, so the path filters were not applied`,
      };
    }
    return {
      matches: false,
      reason:
        event.changedPaths.length === 0
          ? `the push to ${branch} changed no files; path filters: ${list(filters.paths)}`
          : `none of the ${event.changedPaths.length} changed files matches the path filters: ${list(filters.paths)}`,
    };
  }
  return { matches: true, ref: branch, reason: `push to ${branch}` };
}

import type { Release } from '@slipway/contracts';
import { useNow } from '../../runs/use-now.ts';
import { isDeploying } from '../api/queries.ts';

/**
 * The rows of a release history query (its pages flattened) and a clock (`now`, ms) that
 * ticks while a listed release is deploying (its duration grows).
 */
export function useReleaseRows(pages: readonly { items: readonly Release[] }[] | undefined) {
  const items = pages?.flatMap((page) => page.items);
  const now = useNow((items ?? []).some((release) => isDeploying(release.status)));
  return { items, now };
}

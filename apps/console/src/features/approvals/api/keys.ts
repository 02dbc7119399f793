import type { ApprovalListQuerySchema } from '@slipway/contracts';
import type { z } from 'zod';

/** The inbox's filters as the list endpoint takes them. */
export type ApprovalFilters = z.input<typeof ApprovalListQuerySchema>;

/**
 * Query keys of the approvals inbox: the header's count, lists per filter, one request.
 * Invalidating `all` after a decision refreshes the badge, every list and the request.
 */
export const approvalKeys = {
  all: ['approvals'] as const,
  count: () => [...approvalKeys.all, 'count'] as const,
  lists: () => [...approvalKeys.all, 'list'] as const,
  list: (filters: ApprovalFilters) => [...approvalKeys.lists(), filters] as const,
  detail: (id: string) => [...approvalKeys.all, 'detail', id] as const,
};

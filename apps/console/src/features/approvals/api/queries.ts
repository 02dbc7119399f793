import { approvalEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { type ApprovalFilters, approvalKeys } from './keys.ts';

/** How often the header's pending count is read again (ms): requests arrive from other people's runs. */
export const APPROVAL_COUNT_POLL_MS = 15_000;

/** How many requests wait for the signed-in user's decision (the header badge). */
export function useApprovalCount() {
  return useQuery({
    queryKey: approvalKeys.count(),
    queryFn: () => callEndpoint(approvalEndpoints.count),
    refetchInterval: APPROVAL_COUNT_POLL_MS,
  });
}

/** The inbox: requests matching `filters` (the API's default status is `pending`). */
export function useApprovals(filters: ApprovalFilters) {
  return useQuery({
    queryKey: approvalKeys.list(filters),
    queryFn: () => callEndpoint(approvalEndpoints.list, { query: filters }),
    refetchInterval: APPROVAL_COUNT_POLL_MS,
  });
}

/**
 * One request with its diff. The server computes the diff (a dry run on the cluster) on each
 * read and remembers it as the one shown to the caller, so it is read once per visit, not
 * polled: approving compares against exactly what is on screen.
 */
export function useApproval(id: string) {
  return useQuery({
    queryKey: approvalKeys.detail(id),
    queryFn: () => callEndpoint(approvalEndpoints.get, { params: { id } }),
    refetchOnWindowFocus: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

import { type AuditQuery, auditEndpoints } from '@slipway/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';

export type AuditFilters = Omit<Partial<AuditQuery>, 'cursor' | 'limit'>;

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) =>
      callEndpoint(auditEndpoints.list, {
        query: { ...filters, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

import { type AuditQuery, auditEndpoints } from '@slipway/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { callEndpoint, endpointHref } from '../../../api/client.ts';

export type AuditFilters = Omit<Partial<AuditQuery>, 'cursor' | 'limit'>;

const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, 'list', filters] as const,
  entry: (id: string) => [...auditKeys.all, 'entry', id] as const,
};

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) =>
      callEndpoint(auditEndpoints.list, {
        query: { ...filters, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** One entry with what it changed (the list's rows carry it too; a shared link needs this). */
export function useAuditEvent(id: string | null) {
  return useQuery({
    queryKey: auditKeys.entry(id ?? ''),
    queryFn: () => callEndpoint(auditEndpoints.get, { params: { id: id ?? '' } }),
    enabled: id !== null,
  });
}

/** The CSV export of the log with the same filters as the list, as a download link. */
export function auditExportHref(filters: AuditFilters): string {
  return endpointHref(auditEndpoints.export, { query: filters });
}

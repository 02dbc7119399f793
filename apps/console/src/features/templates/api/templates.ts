import { templateEndpoints } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';

export const templateKeys = {
  all: ['templates'] as const,
  list: (workspace: string) => [...templateKeys.all, workspace, 'list'] as const,
  detail: (workspace: string, name: string) => [...templateKeys.all, workspace, 'detail', name] as const,
  version: (workspace: string, name: string, number: number) =>
    [...templateKeys.all, workspace, 'version', name, number] as const,
};

export function useTemplates(workspace: string) {
  return useQuery({
    queryKey: templateKeys.list(workspace),
    queryFn: () => callEndpoint(templateEndpoints.list, { params: { workspace } }),
  });
}

export function useTemplate(workspace: string, name: string | null) {
  return useQuery({
    queryKey: templateKeys.detail(workspace, name ?? ''),
    queryFn: () => callEndpoint(templateEndpoints.get, { params: { workspace, template: name ?? '' } }),
    enabled: name !== null,
  });
}

export function useTemplateVersion(workspace: string, name: string | null, number: number | null) {
  return useQuery({
    queryKey: templateKeys.version(workspace, name ?? '', number ?? 0),
    queryFn: () =>
      callEndpoint(templateEndpoints.version, {
        params: { workspace, template: name ?? '', number: number ?? 1 },
      }),
    enabled: name !== null && number !== null,
  });
}

export function useCreateTemplate(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; spec: string }) =>
      callEndpoint(templateEndpoints.create, { params: { workspace }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function usePublishTemplate(workspace: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (spec: string) =>
      callEndpoint(templateEndpoints.publish, { params: { workspace, template: name }, body: { spec } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

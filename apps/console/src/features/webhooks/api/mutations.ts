import { type CreateWebhookBody, type UpdateWebhookBody, webhookEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { webhookKeys } from './keys.ts';

export function useCreateWebhook(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhookBody) =>
      callEndpoint(webhookEndpoints.create, { params: { workspace, project }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(workspace, project) }),
  });
}

export function useUpdateWebhook(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; body: UpdateWebhookBody }) =>
      callEndpoint(webhookEndpoints.update, {
        params: { workspace, project, webhook: input.name },
        body: input.body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(workspace, project) }),
  });
}

export function useDeleteWebhook(workspace: string, project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      callEndpoint(webhookEndpoints.delete, { params: { workspace, project, webhook: name } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list(workspace, project) }),
  });
}

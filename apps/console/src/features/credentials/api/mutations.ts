import {
  type CreateCredentialBody,
  credentialEndpoints,
  type UpdateCredentialBody,
} from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { credentialKeys } from './keys.ts';

export function useCreateCredential(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCredentialBody) =>
      callEndpoint(credentialEndpoints.create, { params: { workspace }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialKeys.lists(workspace) }),
  });
}

export function useUpdateCredential(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; body: UpdateCredentialBody }) =>
      callEndpoint(credentialEndpoints.update, {
        params: { workspace, credential: input.name },
        body: input.body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialKeys.lists(workspace) }),
  });
}

export function useDeleteCredential(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      callEndpoint(credentialEndpoints.delete, { params: { workspace, credential: name } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialKeys.lists(workspace) }),
  });
}

import { type CreateApiTokenBody, meEndpoints } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';

export const meKeys = {
  all: ['me'] as const,
  sessions: () => [...meKeys.all, 'sessions'] as const,
  tokens: () => [...meKeys.all, 'tokens'] as const,
};

export function useMySessions() {
  return useQuery({ queryKey: meKeys.sessions(), queryFn: () => callEndpoint(meEndpoints.listSessions) });
}

export function useMyTokens() {
  return useQuery({ queryKey: meKeys.tokens(), queryFn: () => callEndpoint(meEndpoints.listTokens) });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callEndpoint(meEndpoints.revokeSession, { params: { id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meKeys.sessions() }),
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenBody) => callEndpoint(meEndpoints.createToken, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meKeys.tokens() }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callEndpoint(meEndpoints.revokeToken, { params: { id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meKeys.tokens() }),
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      callEndpoint(meEndpoints.changePassword, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meKeys.sessions() }),
  });
}

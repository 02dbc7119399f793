import { authEndpoints, type LoginBody } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint, setCsrfToken } from '../../../api/client.ts';
import { authKeys } from './keys.ts';

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => callEndpoint(authEndpoints.login, { body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(authKeys.session(), session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(authEndpoints.logout),
    onSettled: () => {
      setCsrfToken(undefined);
      // Drop every cached object of the previous user, then mark the session as gone.
      queryClient.clear();
      queryClient.setQueryData(authKeys.session(), null);
    },
  });
}

import { authEndpoints, type SessionInfo } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { ApiError, callEndpoint, setCsrfToken } from '../../../api/client.ts';
import { authKeys } from './keys.ts';

/** The current session, or null when signed out (401 is an answer here, not an error). */
export async function fetchSession(): Promise<SessionInfo | null> {
  try {
    const session = await callEndpoint(authEndpoints.me);
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw error;
  }
}

export function useSession() {
  return useQuery({ queryKey: authKeys.session(), queryFn: fetchSession, staleTime: 60_000 });
}

/** Sign-in methods offered on the sign-in page (password, and SSO when configured). */
export function useSignInProviders() {
  return useQuery({
    queryKey: [...authKeys.all, 'providers'],
    queryFn: () => callEndpoint(authEndpoints.providers),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

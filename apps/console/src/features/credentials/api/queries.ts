import { credentialEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { credentialKeys } from './keys.ts';

/** The workspace's credentials: names, types and usernames, never their values. */
export function useCredentials(workspace: string) {
  return useQuery({
    queryKey: credentialKeys.lists(workspace),
    queryFn: () => callEndpoint(credentialEndpoints.list, { params: { workspace } }),
    enabled: workspace !== '',
  });
}

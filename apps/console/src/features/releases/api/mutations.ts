import { releaseEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { type ReleaseRef, releaseKeys, releaseParams } from './keys.ts';

/**
 * Rolls back to release `ref`: a new release re-applying its image, objects and ConfigMap
 * versions. Resolves to the new release; every release list and live view is read again.
 */
export function useRollback(ref: ReleaseRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message?: string) =>
      callEndpoint(releaseEndpoints.rollback, {
        params: releaseParams(ref),
        body: message ? { message } : {},
      }),
    onSuccess: async (release) => {
      queryClient.setQueryData(releaseKeys.detail({ ...ref, number: release.number }), release);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    },
  });
}

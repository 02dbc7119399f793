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
    /** `idempotencyKey`: one per confirmation, so a repeated send makes one release. */
    mutationFn: (input: { message?: string; idempotencyKey: string }) =>
      callEndpoint(releaseEndpoints.rollback, {
        params: releaseParams(ref),
        body: input.message ? { message: input.message } : {},
        headers: { 'Idempotency-Key': input.idempotencyKey },
      }),
    onSuccess: async (release) => {
      queryClient.setQueryData(releaseKeys.detail({ ...ref, number: release.number }), release);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    },
  });
}

/**
 * Promotes release `ref` to `environment` (the next one in the workspace's order): a new
 * release there with the same image digest and manifest version and that environment's own
 * config, through its policy. The Idempotency-Key makes a repeated click one release.
 */
export function usePromote(ref: ReleaseRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { environment: string; idempotencyKey: string }) =>
      callEndpoint(releaseEndpoints.promote, {
        params: releaseParams(ref),
        body: { environment: input.environment },
        headers: { 'Idempotency-Key': input.idempotencyKey },
      }),
    onSuccess: async (release) => {
      queryClient.setQueryData(releaseKeys.detail({ ...ref, number: release.number }), release);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    },
  });
}

/** Lets release `ref`, held by a freeze window, deploy anyway (admins; the reason is kept and audited). */
export function useBreakFreeze(ref: ReleaseRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      callEndpoint(releaseEndpoints.breakFreeze, { params: releaseParams(ref), body: { reason } }),
    onSuccess: async (release) => {
      queryClient.setQueryData(releaseKeys.detail(ref), release);
      await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    },
  });
}

/**
 * Environment copy: every project's live release of `environment` promoted to `body.to`, each
 * as its own release there (through that environment's policy and queue). Resolves to the
 * per-project outcome (created, skipped with why, failed with the API's message).
 */
export function useCopyEnvironment(workspace: string, environment: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (to: string) =>
      callEndpoint(releaseEndpoints.environmentCopy, { params: { workspace, environment }, body: { to } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    },
  });
}

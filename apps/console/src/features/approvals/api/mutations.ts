import { type ApprovalDetail, approvalEndpoints } from '@slipway/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, callEndpoint } from '../../../api/client.ts';
import { releaseKeys } from '../../releases/api/keys.ts';
import { runKeys } from '../../runs/api/keys.ts';
import { staleDiffOf } from '../approval-format.ts';
import { approvalKeys } from './keys.ts';

/** A decision as the console sends it: approve the diff on screen (`diffHash`), or reject with a reason. */
export interface DecisionInput {
  decision: 'approve' | 'reject';
  comment?: string;
  diffHash?: string;
}

/**
 * Decides request `id`. On success the request, the inbox, the header count and every
 * release and run view are read again (the release's status and the run's job change). A
 * 409 naming the diff (it changed since it was shown) puts the new diff on the page at once,
 * so the user reads it and approves again.
 */
export function useDecideApproval(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DecisionInput) =>
      callEndpoint(approvalEndpoints.decide, {
        params: { id },
        body: {
          decision: input.decision,
          ...(input.comment ? { comment: input.comment } : {}),
          ...(input.diffHash ? { diffHash: input.diffHash } : {}),
        },
      }),
    onSuccess: async (detail) => {
      queryClient.setQueryData(approvalKeys.detail(id), detail);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: approvalKeys.all }),
        queryClient.invalidateQueries({ queryKey: releaseKeys.all }),
        queryClient.invalidateQueries({ queryKey: runKeys.all }),
      ]);
    },
    onError: (error) => {
      const diff = error instanceof ApiError ? staleDiffOf(error) : undefined;
      if (!diff) return;
      queryClient.setQueryData<ApprovalDetail>(approvalKeys.detail(id), (current) =>
        current ? { ...current, diff } : current,
      );
    },
  });
}

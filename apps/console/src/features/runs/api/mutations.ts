import { type CreateRunBody, runEndpoints } from '@slipway/contracts';
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { type PipelineRef, pipelineParams, type RunRef, runKeys, runParams } from './keys.ts';

async function refreshLists(queryClient: QueryClient, ref: PipelineRef) {
  await queryClient.invalidateQueries({ queryKey: runKeys.lists(ref) });
}

export function useCreateRun(ref: PipelineRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: CreateRunBody; idempotencyKey: string }) =>
      callEndpoint(runEndpoints.create, {
        params: pipelineParams(ref),
        body: input.body,
        headers: { 'idempotency-key': input.idempotencyKey },
      }),
    onSuccess: async (run) => {
      queryClient.setQueryData(runKeys.detail({ ...ref, number: run.number }), run);
      await refreshLists(queryClient, ref);
    },
  });
}

export function useCancelRun(ref: RunRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callEndpoint(runEndpoints.cancel, { params: runParams(ref) }),
    onSuccess: async (run) => {
      queryClient.setQueryData(runKeys.detail(ref), run);
      await refreshLists(queryClient, ref);
    },
  });
}

/**
 * A new run: the whole run again or from a stage (on the revision the run ran), or the
 * whole run on the pipeline's current revision (`revision: 'latest'`). Resolves to the new run.
 */
export function useRetryRun(ref: RunRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { fromStage?: string | undefined; revision?: 'latest' }) =>
      callEndpoint(runEndpoints.retry, {
        params: runParams(ref),
        body: {
          ...(input.fromStage ? { fromStage: input.fromStage } : {}),
          ...(input.revision ? { revision: input.revision } : {}),
        },
      }),
    onSuccess: async (run) => {
      queryClient.setQueryData(runKeys.detail({ ...ref, number: run.number }), run);
      await refreshLists(queryClient, ref);
    },
  });
}

export function useDecideApproval(ref: RunRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { gate: string; decision: 'approve' | 'reject'; comment: string }) =>
      callEndpoint(runEndpoints.decide, {
        params: { ...runParams(ref), gate: input.gate },
        body: { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}) },
      }),
    onSuccess: (run) => queryClient.setQueryData(runKeys.detail(ref), run),
  });
}

/**
 * Plays a manual job (`job`: its `stage.name`). Resolves to the run as it is then (`running`
 * again when it had ended), which the page shows at once and follows live from there.
 */
export function usePlayJob(ref: RunRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (job: string) =>
      callEndpoint(runEndpoints.play, { params: { ...runParams(ref), job }, body: {} }),
    onSuccess: async (run) => {
      queryClient.setQueryData(runKeys.detail(ref), run);
      await refreshLists(queryClient, ref);
    },
  });
}

import { type CreateScheduleBody, scheduleEndpoints, type UpdateScheduleBody } from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../api/client.ts';
import type { PipelineRef } from '../../app/paths.ts';

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: (ref: PipelineRef) => [...scheduleKeys.all, ref.workspace, ref.project, ref.pipeline] as const,
};

/** Refreshed while the page is open: ticks fire (and move `nextRuns`) without the console. */
const LIVE_MS = 15_000;

export function useSchedules(ref: PipelineRef) {
  return useQuery({
    queryKey: scheduleKeys.list(ref),
    queryFn: () => callEndpoint(scheduleEndpoints.list, { params: ref }),
    refetchInterval: LIVE_MS,
  });
}

export function useCreateSchedule(ref: PipelineRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateScheduleBody) => callEndpoint(scheduleEndpoints.create, { params: ref, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.list(ref) }),
  });
}

export function useUpdateSchedule(ref: PipelineRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; body: UpdateScheduleBody }) =>
      callEndpoint(scheduleEndpoints.update, { params: { ...ref, id: input.id }, body: input.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.list(ref) }),
  });
}

export function useDeleteSchedule(ref: PipelineRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callEndpoint(scheduleEndpoints.delete, { params: { ...ref, id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.list(ref) }),
  });
}

import { type RunRef, RunRefSchema } from '@slipway/contracts';
import { ApiError } from '../../api/client.ts';

/**
 * The active runs a refused delete names (a 409 whose `details` carry runs), oldest first;
 * empty for any other error. The API refuses deleting an environment, cluster or project
 * while runs depend on it unless asked to cancel them (`cancelRuns=true`).
 */
export function activeRunsOf(error: unknown): RunRef[] {
  if (!(error instanceof ApiError) || error.statusCode !== 409) return [];
  return (error.body.details ?? []).flatMap((detail) => {
    const run = RunRefSchema.safeParse(detail.run);
    return run.success ? [run.data] : [];
  });
}

/** `Cancel 2 runs and delete`: the label of the button that retries with cancelRuns=true. */
export function cancelAndDeleteLabel(count: number): string {
  return `Cancel ${count} run${count === 1 ? '' : 's'} and delete`;
}

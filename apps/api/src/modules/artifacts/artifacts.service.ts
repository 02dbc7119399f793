import type { Readable } from 'node:stream';
import type { RunArtifacts } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { RunParams } from '../runs/runs.service.ts';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * The user API's view of a run's artifacts: the file list and one job's archive. Whoever may
 * read the run may read its artifacts (`project.read`, through the runs service).
 */
export function createArtifactsService(deps: {
  store: ArtifactStore;
  /** The run, once the actor's right to read it is checked (404 when there is none). */
  readableRun: (actor: Actor, params: RunParams) => Promise<{ id: string; number: number }>;
}) {
  const { store } = deps;
  return {
    async list(actor: Actor, params: RunParams): Promise<RunArtifacts> {
      const run = await deps.readableRun(actor, params);
      const files = await store.listRun(run.id);
      return { items: files.map((file) => ({ ...file, expiresAt: file.expiresAt.toISOString() })) };
    },

    /** The job's .tar.gz and the file name to offer (`<pipeline>-<run>-<job>.tar.gz`). */
    async download(
      actor: Actor,
      params: RunParams & { job: string },
    ): Promise<{ fileName: string; body: Readable }> {
      const run = await deps.readableRun(actor, params);
      const jobRunId = await store.jobRunOf(run.id, params.job);
      if (!jobRunId) throw new NotFoundError(`run ${run.number} has no job "${params.job}"`);
      const body = await store.openJobArchive(jobRunId);
      if (!body) {
        throw new NotFoundError(
          `job "${params.job}" of run ${run.number} has no artifacts (none stored, or expired)`,
        );
      }
      return { fileName: `${params.pipeline}-${run.number}-${params.job}.tar.gz`, body };
    },
  };
}

export type ArtifactsService = ReturnType<typeof createArtifactsService>;

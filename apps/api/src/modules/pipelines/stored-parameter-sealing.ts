import type { Prisma } from '@slipway/db';
import type { SecretBox } from '../../lib/secret-box.ts';
import { sealNewlySecret, secretParameterNames } from '../../lib/stored-parameters.ts';
import type { SchedulesRepo } from '../schedules/schedules.repo.ts';
import type { WebhooksRepo } from '../webhooks/webhooks.repo.ts';

/** The pipeline a revision was saved for. */
export interface SavedPipeline {
  projectId: string;
  pipelineId: string;
  /** Webhooks name their pipeline (they outlive a pipeline deleted and created again). */
  pipelineName: string;
}

/**
 * Seals, in the transaction that saves a pipeline revision, the values that its schedules and
 * webhooks store for parameters the revision declares `type: secret`. Done on the save rather
 * than on every read: the database must not keep them readable either, and a read would have to
 * parse the spec (and expand its template) for every list. Values stay sealed when a later
 * revision makes the parameter plain again (`sealParameters` keeps sealed names sealed).
 */
export function createStoredParameterSealer(deps: {
  schedules: SchedulesRepo;
  webhooks: WebhooksRepo;
  secrets: SecretBox;
}) {
  return async function sealStoredParameters(
    saved: SavedPipeline,
    specText: string,
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const names = secretParameterNames(specText);
    if (names.length === 0) return;
    for (const schedule of await deps.schedules.list(saved.pipelineId, tx)) {
      const parameters = sealNewlySecret(schedule.parameters, names, deps.secrets);
      if (parameters) await deps.schedules.update(schedule.id, { parameters }, tx);
    }
    for (const webhook of await deps.webhooks.list(saved.projectId, tx)) {
      if (webhook.pipelineName !== saved.pipelineName) continue;
      const parameters = sealNewlySecret(webhook.parameters, names, deps.secrets);
      if (parameters) await deps.webhooks.update(webhook.id, { parameters }, tx);
    }
  };
}

export type SealStoredParameters = ReturnType<typeof createStoredParameterSealer>;

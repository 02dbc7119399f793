import type { EnvironmentCopySchema } from '@slipway/contracts';
import type { z } from 'zod';
import type { Actor } from '../../lib/actor.ts';
import { AppError, BadRequestError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { PromotionRepo } from './promotion.repo.ts';
import type { ReleasePromotion } from './release-promotion.ts';
import { toRelease } from './releases.service.ts';

type EnvironmentCopy = z.infer<typeof EnvironmentCopySchema>;

/**
 * Environment copy (seed 002; issue #14 item 6): every project's live release of one
 * environment promoted to another in one action — any environment of the workspace, not
 * only the next one — each as its own release through the target's policy and queue.
 * Needs `workspace.environments.manage`; a project where the caller may not deploy to the
 * target is skipped with the reason, as is a project without a live release; a promotion the
 * service refuses (no config version there, manifests that do not render) is `failed` with
 * its message. The others are created, whatever became of those.
 */
export function createEnvironmentCopy(deps: {
  promotion: PromotionRepo;
  promote: ReleasePromotion['promoteTo'];
  workspaces: WorkspacesService;
}) {
  return {
    async copy(
      actor: Actor,
      workspaceSlug: string,
      fromName: string,
      body: { to: string },
    ): Promise<EnvironmentCopy> {
      const workspace = await deps.workspaces.authorize(
        actor,
        workspaceSlug,
        'workspace.environments.manage',
      );
      const environments = await deps.promotion.environmentsInOrder(workspace.id);
      const from = environments.find((e) => e.name === fromName);
      if (!from)
        throw new NotFoundError(`environment "${fromName}" not found in workspace "${workspaceSlug}"`);
      const to = environments.find((e) => e.name === body.to);
      const refuse = (message: string) => new BadRequestError(message, [{ field: 'body.to', message }]);
      if (!to) throw refuse(`environment "${body.to}" not found in workspace "${workspaceSlug}"`);
      if (to.id === from.id) throw refuse(`environment "${body.to}" is the environment copied from`);
      if (!to.cluster || !to.namespace) throw refuse(`environment "${to.name}" has no cluster to deploy to`);

      const items: EnvironmentCopy['items'] = [];
      for (const { project, live } of await deps.promotion.liveReleases(workspace.id, from.id)) {
        if (!live) {
          items.push({
            project: project.slug,
            from: null,
            release: null,
            outcome: 'skipped',
            message: `no live release in "${from.name}"`,
          });
          continue;
        }
        try {
          const { release, created } = await deps.promote(actor, project, live, to, { field: 'body.to' });
          items.push({
            project: project.slug,
            from: live.number,
            release: toRelease(release),
            // A copy asked twice while the first's releases still wait gets them back, as skipped.
            outcome: created ? 'created' : 'skipped',
            message: created ? null : `requested already: release ${release.number} ${release.status}`,
          });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const denied = error instanceof ForbiddenError || error instanceof NotFoundError;
          items.push({
            project: project.slug,
            from: live.number,
            release: null,
            outcome: denied ? 'skipped' : 'failed',
            message: error.message,
          });
        }
      }
      return { from: from.name, to: to.name, items };
    },
  };
}

export type EnvironmentCopyService = ReturnType<typeof createEnvironmentCopy>;

import type { ReleasesRepo } from '../releases/releases.repo.ts';
import type { Notify } from './notify.ts';

/** A release ended this way is not announced: whoever cancelled it knows. */
const CANCELLED = 'cancelled';

/**
 * The releases repository, reporting what people must hear about as it is stored — so every
 * path that creates or ends a release (deploy jobs, rollbacks, promotions, the controller,
 * the approval sweeper) reports through one place:
 * - `insert` of a release waiting for approval (`onCreated`) → `approval.requested`; of one
 *   refused at once (manifests that do not render, no cluster) → `release.failed`;
 * - `step` ending a deploy (`onEnded`) → `release.succeeded` / `release.failed` (its message
 *   the reason);
 * - `endWaiting` failing a waiting release (e.g. its approval request expired) → `release.failed`.
 * Cancelled releases are not announced. A repeated report (a job start that adopts its
 * release) is stored once: the outbox keeps one delivery per channel and event.
 */
export function reportingReleaseEvents(releases: ReleasesRepo, notify: Notify): ReleasesRepo {
  return {
    ...releases,
    async insert(projectId, build) {
      const release = await releases.insert(projectId, build);
      if (release.status === 'awaiting-approval') {
        await notify({ event: 'approval.requested', releaseId: release.id });
      } else if (release.status === 'failed' && release.message !== CANCELLED) {
        await notify({
          event: 'release.failed',
          releaseId: release.id,
          reason: release.message ?? undefined,
        });
      }
      return release;
    },
    async step(id, change, log, replacedBy) {
      const stored = await releases.step(id, change, log, replacedBy);
      if (stored && change.status === 'succeeded') {
        await notify({ event: 'release.succeeded', releaseId: id });
      } else if (stored && change.status === 'failed' && change.message !== CANCELLED) {
        await notify({ event: 'release.failed', releaseId: id, reason: change.message ?? undefined });
      }
      return stored;
    },
    async endWaiting(id, change, log) {
      const ended = await releases.endWaiting(id, change, log);
      if (ended && change.status === 'failed' && change.message !== CANCELLED) {
        await notify({ event: 'release.failed', releaseId: id, reason: change.message });
      }
      return ended;
    },
  };
}

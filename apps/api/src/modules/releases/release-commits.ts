import type { ReleaseDiff } from '@slipway/contracts';
import { RepositoryUnreadableError } from '../../lib/git-repository.ts';

/** Lists the commits after `from` up to `to`, newest first (see `GitRepositories.commitsBetween`). */
export type CommitLister = (
  url: string,
  from: string,
  to: string,
) => Promise<Array<{ sha: string; message: string; author: string }>>;

/**
 * The commits between two releases' commits from the project's repository; `list` is null
 * with the reason when a commit is unknown, the project has no repository or it cannot be read.
 */
export async function commitsBetween(
  list: CommitLister,
  repoUrl: string | null,
  from: string | null,
  to: string | null,
): Promise<ReleaseDiff['commits']> {
  const none = (reason: string) => ({ from, to, list: null, reason });
  if (!from || !to) return none('the commit of one of the releases is not known');
  if (from === to) return { from, to, list: [], reason: null };
  if (!repoUrl) return none('the project has no repository');
  try {
    return { from, to, list: await list(repoUrl, from, to), reason: null };
  } catch (error) {
    if (error instanceof RepositoryUnreadableError)
      return none(`the repository could not be read: ${error.message}`);
    throw error;
  }
}

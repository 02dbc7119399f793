import type { CacheEntry, CacheList } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { CacheLimits } from './cache-config.ts';
import type { CacheStoreService } from './cache-store.ts';
import type { CachesRepo } from './caches.repo.ts';

/** The project a request is about (URL parameters). */
export interface ProjectTarget {
  workspace: string;
  project: string;
}

/**
 * What users see of a project's caches: the list (`project.read`) and clearing them
 * (`project.update`, which project admins hold and developers do not: a cleared cache costs
 * every pipeline of the project its next download).
 */
export function createCachesService(deps: {
  caches: CachesRepo;
  store: Pick<CacheStoreService, 'clear'>;
  projects: Pick<ProjectsService, 'authorize'>;
  limits: CacheLimits;
}) {
  const { caches, projects } = deps;
  return {
    async list(actor: Actor, target: ProjectTarget): Promise<CacheList> {
      const project = await projects.authorize(actor, target.workspace, target.project, 'project.read');
      const items: CacheEntry[] = (await caches.list(project.id)).map((row) => ({
        key: row.key,
        executor: row.executor as CacheEntry['executor'],
        size: Number(row.sizeBytes),
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: row.lastUsedAt.toISOString(),
      }));
      return {
        items,
        totalSize: items.reduce((sum, item) => sum + item.size, 0),
        maxProjectBytes: deps.limits.maxProjectBytes,
        maxEntryBytes: deps.limits.maxEntryBytes,
      };
    },

    async clear(actor: Actor, target: ProjectTarget): Promise<void> {
      const project = await projects.authorize(actor, target.workspace, target.project, 'project.update');
      await deps.store.clear(project.id);
    },
  };
}

export type CachesService = ReturnType<typeof createCachesService>;

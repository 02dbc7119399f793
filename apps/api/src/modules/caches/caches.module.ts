import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { CachesConfig } from './cache-config.ts';
import { type CacheStore, createCacheStore } from './cache-store.ts';
import { createCachesRepo } from './caches.repo.ts';
import { registerCacheRoutes } from './caches.routes.ts';
import { createCachesService } from './caches.service.ts';
import { type CacheBlobStore, createDirectoryBlobStore } from './directory-blob-store.ts';

/** Kubernetes jobs' caches share the artifacts' BlobStore, under their own prefix. */
function prefixed(blobs: CacheBlobStore, prefix: string): CacheBlobStore {
  return {
    put: (key, stream) => blobs.put(prefix + key, stream),
    open: (key) => blobs.open(prefix + key),
    delete: (key) => blobs.delete(prefix + key),
  };
}

/**
 * Job caches: the store the job-files routes restore from and save to (`store`), the
 * project's list and clear routes, and `projectDeleted`, which removes a deleted project's
 * archives (the projects service calls it after the delete commits). Built once at the
 * server's start, it removes the local directory's temporary files of interrupted uploads.
 */
export function createCachesModule(deps: {
  prisma: PrismaClient;
  projects: Pick<ProjectsService, 'authorize'>;
  config: CachesConfig;
  /** Where Kubernetes jobs' caches live: the artifacts module's BlobStore, reached by every replica. */
  blobs: CacheBlobStore;
  logger?: FastifyBaseLogger | undefined;
  /** The clock that orders entries by use (default: the system's). */
  now?: () => Date;
}): {
  store: CacheStore;
  projectDeleted(): Promise<void>;
  registerRoutes(app: FastifyInstance): void;
} {
  const repo = createCachesRepo(deps.prisma);
  const directory = createDirectoryBlobStore(deps.config.dir);
  // What writes left when the server stopped mid-upload (one server per data directory).
  directory.collectAbandoned().then(
    (removed) => {
      if (removed > 0) deps.logger?.info({ removed }, 'caches: removed unfinished uploads');
    },
    (error: unknown) => deps.logger?.warn({ err: error }, 'caches: could not remove unfinished uploads'),
  );
  const limits = { maxProjectBytes: deps.config.maxProjectBytes, maxEntryBytes: deps.config.maxEntryBytes };
  const store = createCacheStore({
    repo,
    stores: { local: directory, kubernetes: prefixed(deps.blobs, 'caches/') },
    limits,
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const service = createCachesService({ caches: repo, store, projects: deps.projects, limits });
  return {
    store: { open: store.open, save: store.save },
    projectDeleted: store.purgeDeleted,
    registerRoutes: (app) => registerCacheRoutes(app, { caches: service }),
  };
}

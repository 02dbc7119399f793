import { z } from 'zod';
import { TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { ProjectParamsSchema } from './projects.ts';

export const CACHE_EXECUTORS = ['local', 'kubernetes'] as const;

/** One saved job cache of a project (README "Caches"). */
export const CacheEntrySchema = z.object({
  /** The evaluated `cache.key` (its `hashFiles()` parts already hashed). */
  key: z.string(),
  /** Where the jobs that saved it ran: each executor has its own caches. */
  executor: z.enum(CACHE_EXECUTORS),
  /** Size of the archive (`.tar.gz`) in bytes. */
  size: z.number().int().nonnegative(),
  createdAt: TimestampSchema,
  /** When it was saved or last restored: eviction removes the least recently used first. */
  lastUsedAt: TimestampSchema,
});
export type CacheEntry = z.infer<typeof CacheEntrySchema>;

export const CacheListSchema = z.object({
  /** Most recently used first. */
  items: z.array(CacheEntrySchema),
  /** The sum of `size` over `items`. */
  totalSize: z.number().int().nonnegative(),
  /** The server's limit on `totalSize` (SLIPWAY_CACHE_MAX_PROJECT_BYTES). */
  maxProjectBytes: z.number().int().positive(),
  /** The server's limit on one archive (SLIPWAY_CACHE_MAX_ENTRY_BYTES). */
  maxEntryBytes: z.number().int().positive(),
});
export type CacheList = z.infer<typeof CacheListSchema>;

const base = '/api/v1/workspaces/{workspace}/projects/{project}/caches';
const tag = 'caches';

export const cacheEndpoints = {
  list: defineEndpoint({
    operationId: 'listCaches',
    method: 'GET',
    path: base,
    summary: 'The project’s job caches, most recently used first, with their sizes and the limits',
    tag,
    params: ProjectParamsSchema,
    response: CacheListSchema,
  }),
  clear: defineEndpoint({
    operationId: 'clearCaches',
    method: 'DELETE',
    path: base,
    summary: 'Delete all of the project’s job caches (the next runs save them again)',
    tag,
    params: ProjectParamsSchema,
    response: null,
  }),
};

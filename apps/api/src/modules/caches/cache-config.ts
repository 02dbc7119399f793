import path from 'node:path';

/** The limits of README "Caches" (SLIPWAY_CACHE_MAX_PROJECT_BYTES, SLIPWAY_CACHE_MAX_ENTRY_BYTES). */
export interface CacheLimits {
  /** A project's caches (both executors) are evicted, least recently used first, down to this. */
  maxProjectBytes: number;
  /** A bigger archive is refused while it streams in. */
  maxEntryBytes: number;
}

/** Settings of the caches (README "Caches" and the configuration table). */
export interface CachesConfig extends CacheLimits {
  /** The local executor's caches: `<dir>/<projectId>/<sha256(key)>-<entry id>.tar.gz`. */
  dir: string;
}

/** SLIPWAY_CACHE_MAX_PROJECT_BYTES and SLIPWAY_CACHE_MAX_ENTRY_BYTES unset: 5 GiB and 1 GiB. */
export const DEFAULT_CACHE_LIMITS: CacheLimits = {
  maxProjectBytes: 5 * 1024 ** 3,
  maxEntryBytes: 1024 ** 3,
};

/** Without a configured directory (tests): beside the local executor's job directories. */
export function defaultCacheDir(workDir: string): string {
  return path.join(workDir, 'caches');
}

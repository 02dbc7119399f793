import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../artifacts/blob-store.ts';

/**
 * What the cache store needs of a BlobStore (the artifacts module's interface): `put` stores
 * a stream whole under a key and resolves with its size in bytes (a failed stream stores
 * nothing), `open` streams it back (null when there is none), `delete` removes it (nothing to
 * remove is no error).
 */
export type CacheBlobStore = Pick<BlobStore, 'put' | 'open' | 'delete'>;

/** A temporary file untouched this long belongs to a write that will never finish. */
export const ABANDONED_WRITE_MS = 60 * 60_000;

/** Keys are relative paths of `/`-separated segments, none empty, `.` or `..`. */
function fileOf(root: string, key: string): string {
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) {
    throw new Error(`invalid blob key "${key}"`);
  }
  return path.join(root, ...segments);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Creates a new file, and its directory when missing: a `delete` of the directory's last blob
 * may remove the directory between the two, so that is tried again.
 */
async function createExclusive(file: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(path.dirname(file), { recursive: true });
    try {
      return await open(file, 'wx');
    } catch (error) {
      if (!isMissing(error) || attempt === 3) throw error;
    }
  }
}

/**
 * A BlobStore in a directory of this machine (the local executor's caches): a blob is written
 * to a temporary file beside its place and renamed into it once whole, so a crash or a failed
 * stream never leaves a partial blob under the key (a rename within a directory is atomic).
 */
export function createDirectoryBlobStore(root: string): CacheBlobStore & Pick<BlobStore, 'collectAbandoned'> {
  return {
    async put(key, stream) {
      const file = fileOf(root, key);
      const temporary = `${file}.${randomUUID()}.tmp`;
      const handle = await createExclusive(temporary);
      try {
        await pipeline(stream, handle.createWriteStream());
        const { size } = await stat(temporary);
        await rename(temporary, file);
        return { size };
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async open(key) {
      // Opened before it is returned: a blob deleted meanwhile is a miss, not a stream error,
      // and one deleted while it is read is still read whole (the open file outlives its name).
      const handle = await open(fileOf(root, key), 'r').catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      return handle ? handle.createReadStream() : null;
    },
    async delete(key) {
      const file = fileOf(root, key);
      await rm(file, { force: true });
      // The directory goes with its last blob (another blob written meanwhile keeps it).
      await rmdir(path.dirname(file)).catch(() => {});
    },
    /**
     * Removes the temporary files of writes a crash interrupted: those older than
     * `ABANDONED_WRITE_MS` (a write under way keeps its file's modification time fresh).
     */
    async collectAbandoned() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
        (error: unknown) => {
          if (isMissing(error)) return [];
          throw error;
        },
      );
      let removed = 0;
      for (const entry of entries) {
        if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
        const file = path.join(entry.parentPath, entry.name);
        const modified = await stat(file).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        );
        if (Date.now() - modified < ABANDONED_WRITE_MS) continue;
        await rm(file, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}

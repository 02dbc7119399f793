import { Readable } from 'node:stream';
import { type BlobStore, checkBlobKey } from './blob-store.ts';
import type { PostgresBlobsRepo } from './postgres-blobs.repo.ts';

/** Bytes per `lo_put` / `lo_get` statement: large enough to be few, small enough to interleave. */
export const LARGE_OBJECT_CHUNK_BYTES = 1024 * 1024;

/** An incomplete blob older than this was left by a crash (an upload never lasts a day). */
const ABANDONED_AFTER_MS = 24 * 3_600_000;

/**
 * Blobs as PostgreSQL large objects (see `createPostgresBlobsRepo`): written in 1 MiB
 * `lo_put` chunks as the body arrives, read in 1 MiB `lo_get` chunks as the reader asks, so
 * neither direction holds a blob in memory nor a connection between chunks.
 */
export function createPostgresBlobStore(deps: { blobs: PostgresBlobsRepo }): BlobStore {
  const { blobs } = deps;
  return {
    kind: 'postgres',

    async put(key, body) {
      checkBlobKey(key);
      const oid = await blobs.create(key);
      let size = 0;
      try {
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          const data = Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await blobs.write(oid, size, data);
          size += data.length;
        };
        for await (const chunk of body) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          pending.push(buffer);
          pendingBytes += buffer.length;
          if (pendingBytes >= LARGE_OBJECT_CHUNK_BYTES) await flush();
        }
        await flush();
        await blobs.complete(oid, key, size);
      } catch (error) {
        await blobs.remove({ oid }).catch(() => undefined);
        body.destroy();
        throw error;
      }
      return { size };
    },

    async open(key) {
      const found = await blobs.find(key);
      if (!found) return null;
      const { oid } = found;
      const total = Number(found.size);
      async function* chunks() {
        let offset = 0;
        while (offset < total) {
          const data = await blobs.read(oid, offset, Math.min(LARGE_OBJECT_CHUNK_BYTES, total - offset));
          if (data.length === 0) throw new Error(`blob "${key}" ended early at byte ${offset} of ${total}`);
          offset += data.length;
          yield Buffer.from(data.buffer, data.byteOffset, data.length);
        }
      }
      return Readable.from(chunks(), { objectMode: false, highWaterMark: LARGE_OBJECT_CHUNK_BYTES });
    },

    async delete(key) {
      await blobs.remove({ key });
    },

    async collectAbandoned() {
      return blobs.removeIncomplete(new Date(Date.now() - ABANDONED_AFTER_MS));
    },
  };
}

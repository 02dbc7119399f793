import type { Readable } from 'node:stream';
import type { PrismaClient } from '@slipway/db';
import type { ArtifactStoreLocation } from './artifact-store-url.ts';
import { createPostgresBlobStore } from './postgres-blob-store.ts';
import { createPostgresBlobsRepo } from './postgres-blobs.repo.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

/**
 * A store of opaque blobs by key (artifact archives; the caches of Kubernetes jobs). Bodies are
 * streamed both ways, never held whole in memory. Backends: PostgreSQL large objects
 * (`createPostgresBlobStore`) and an S3-compatible bucket (`createS3BlobStore`), chosen by
 * SLIPWAY_ARTIFACT_STORE (`createBlobStore`).
 */
export interface BlobStore {
  /** `postgres` or `s3`: where the blobs are. */
  readonly kind: ArtifactStoreLocation['kind'];
  /**
   * Stores `body` under `key` (printable ASCII, at most 200 characters, `/`-separated),
   * replacing a blob stored under it before. Resolves with the bytes stored once the blob is
   * complete; a body that fails (or is destroyed) rejects it, and nothing is left under the key
   * (an earlier blob under it stays).
   */
  put(key: string, body: Readable): Promise<{ size: number }>;
  /** The blob's bytes as a stream, or null when there is none under `key`. */
  open(key: string): Promise<Readable | null>;
  /** Deletes the blob; a key with no blob is fine (idempotent). */
  delete(key: string): Promise<void>;
  /**
   * Removes what writes interrupted by a crash left behind (PostgreSQL: large objects never
   * completed); returns how many went. The leader calls it with the artifact expiry.
   */
  collectAbandoned(): Promise<number>;
}

/** Keys the stores accept: the artifact and cache modules build them from ids and hashes. */
const KEY = /^[\w.!*'()/-]{1,200}$/;

/** Throws when `key` is not a key every backend stores as given (see `BlobStore.put`). */
export function checkBlobKey(key: string): void {
  if (!KEY.test(key) || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '')) {
    throw new Error(`invalid blob key "${key}"`);
  }
}

/** The store SLIPWAY_ARTIFACT_STORE names (see `ArtifactStoreLocation`). */
export function createBlobStore(location: ArtifactStoreLocation, deps: { prisma: PrismaClient }): BlobStore {
  return location.kind === 's3'
    ? createS3BlobStore(location)
    : createPostgresBlobStore({ blobs: createPostgresBlobsRepo(deps.prisma) });
}

import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactStoreLocation } from './artifact-store-url.ts';
import { type BlobStore, checkBlobKey } from './blob-store.ts';

/** Multipart part size: 8 MiB (S3's minimum is 5 MiB); at most `QUEUE_SIZE` parts are buffered. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * Blobs as objects of an S3-compatible bucket (`s3://bucket/prefix`). Uploads stream through
 * `@aws-sdk/lib-storage`'s `Upload` (a multipart upload of 8 MiB parts, aborted on error, so at
 * most 16 MiB of a body are in memory); downloads stream the object's body. Credentials come
 * from the AWS SDK's default chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`…); with an
 * `endpoint` (MinIO, SeaweedFS, Ceph) requests use path-style addressing.
 */
export function createS3BlobStore(
  location: Extract<ArtifactStoreLocation, { kind: 's3' }>,
  /** Extra client settings (tests pass static credentials). */
  clientConfig: Partial<S3ClientConfig> = {},
): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: location.region,
    ...(location.endpoint ? { endpoint: location.endpoint, forcePathStyle: true } : {}),
    ...clientConfig,
  });
  const Bucket = location.bucket;
  const keyOf = (key: string) => {
    checkBlobKey(key);
    return `${location.prefix}${key}`;
  };

  return {
    kind: 's3',
    client,

    async put(key, body) {
      const Key = keyOf(key);
      let size = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: counted, ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      const uploaded = upload.done();
      try {
        await Promise.all([pipeline(body, counted), uploaded]);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        await uploaded.catch(() => undefined);
        body.destroy();
        counted.destroy();
        throw error;
      }
      return { size };
    },

    async open(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
        if (!object.Body) return null;
        return object.Body instanceof Readable
          ? object.Body
          : Readable.fromWeb(object.Body.transformToWebStream() as Parameters<typeof Readable.fromWeb>[0]);
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
        throw error;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },

    async collectAbandoned() {
      // An interrupted multipart upload leaves parts that are not an object: the bucket's
      // lifecycle rule (AbortIncompleteMultipartUpload) removes them (README "Artifacts").
      return 0;
    },
  };
}

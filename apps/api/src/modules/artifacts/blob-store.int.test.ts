// The BlobStore contract, run against both backends: PostgreSQL large objects on the test
// PostgreSQL, and an S3-compatible bucket on a real SeaweedFS S3 gateway started here (built
// from its Go module; skipped when it cannot be built, a failure with CI=true).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type Database, openDatabase } from '@slipway/db';
import {
  createTestDatabase,
  findWeed,
  postgresSkipReason,
  type S3Server,
  startS3Server,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.ts';
import { createPostgresBlobStore } from './postgres-blob-store.ts';
import { createPostgresBlobsRepo } from './postgres-blobs.repo.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

const weed = postgresSkipReason() ? { skip: 'no PostgreSQL' } : await findWeed();

/** A body that yields `head`, then fails. */
function failingBody(head: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield head;
      throw new Error('the upload broke off');
    })(),
  );
}

interface Backend {
  store: BlobStore;
  /** Keys of every blob (complete or not) the backend holds. */
  keys(): Promise<string[]>;
}

function contract(name: string, open: () => Promise<Backend>, close: () => Promise<void>, skip?: string) {
  describe.skipIf(skip)(`BlobStore on ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(close);

    it('stores a stream of many chunks and streams it back byte-identical, with its size', async () => {
      // Many large-object statements; three parts of an S3 multipart upload.
      const data = randomBytes(17 * 1024 * 1024 + 12345);
      // Delivered in small pieces, as a request body arrives.
      const pieces = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) =>
        data.subarray(i * 65536, (i + 1) * 65536),
      );
      expect(await backend.store.put('runs/a/archive.tar.gz', Readable.from(pieces))).toEqual({
        size: data.length,
      });
      const back = await backend.store.open('runs/a/archive.tar.gz');
      expect(back).not.toBeNull();
      expect((await buffer(back as Readable)).equals(data)).toBe(true);
      expect(await backend.store.put('runs/a/empty', Readable.from([]))).toEqual({ size: 0 });
      expect((await buffer((await backend.store.open('runs/a/empty')) as Readable)).length).toBe(0);
    });

    it('answers null for a key with no blob, and deletes idempotently', async () => {
      expect(await backend.store.open('runs/none')).toBeNull();
      await backend.store.put('runs/b', Readable.from([Buffer.from('bye')]));
      await backend.store.delete('runs/b');
      await backend.store.delete('runs/b');
      expect(await backend.store.open('runs/b')).toBeNull();
      expect(await backend.keys()).not.toContain('runs/b');
    });

    it('replaces a blob put again under its key', async () => {
      await backend.store.put('runs/c', Readable.from([Buffer.from('first')]));
      await backend.store.put('runs/c', Readable.from([Buffer.from('second')]));
      expect((await buffer((await backend.store.open('runs/c')) as Readable)).toString()).toBe('second');
      expect((await backend.keys()).filter((key) => key === 'runs/c')).toHaveLength(1);
    });

    it('keeps nothing of a body that fails, and leaves the blob stored before under the key', async () => {
      const before = await backend.keys();
      await expect(backend.store.put('runs/d', failingBody(randomBytes(9 * 1024 * 1024)))).rejects.toThrow(
        /broke off/,
      );
      expect(await backend.store.open('runs/d')).toBeNull();
      expect(await backend.keys()).toEqual(before);

      await backend.store.put('runs/e', Readable.from([Buffer.from('kept')]));
      await expect(backend.store.put('runs/e', failingBody(Buffer.from('partial')))).rejects.toThrow(
        /broke off/,
      );
      expect((await buffer((await backend.store.open('runs/e')) as Readable)).toString()).toBe('kept');
    });

    it('refuses keys that are not plain relative paths', async () => {
      for (const key of ['', '/abs', 'a/../b', 'a//b', 'sp ace']) {
        await expect(backend.store.put(key, Readable.from([]))).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}

let database: TestDatabase | undefined;
let db: Database | undefined;
contract(
  'PostgreSQL large objects',
  async () => {
    database = await createTestDatabase();
    db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    const prisma = db.prisma;
    return {
      store: createPostgresBlobStore({ blobs: createPostgresBlobsRepo(prisma) }),
      keys: async () =>
        (await prisma.postgresBlob.findMany({ select: { key: true } })).map((row) => row.key).sort(),
    };
  },
  async () => {
    await db?.close();
    await database?.drop();
  },
  postgresSkipReason(),
);

describe.skipIf(postgresSkipReason())('PostgreSQL blob store after a crash', () => {
  it('removes a large object whose write never completed, once it is a day old', async () => {
    const crashed = await createTestDatabase();
    const crashedDb = await openDatabase({ databaseUrl: crashed.url, dataDir: '/nonexistent' });
    try {
      const repo = createPostgresBlobsRepo(crashedDb.prisma);
      const store = createPostgresBlobStore({ blobs: repo });
      // What a server stopped mid-upload leaves: an incomplete row and its large object.
      const oid = await repo.create('runs/crashed');
      await repo.write(oid, 0, Buffer.from('partial'));
      await store.put('runs/whole', Readable.from([Buffer.from('whole')]));
      const objects = async () =>
        Number(
          (
            await crashedDb.prisma.$queryRaw<
              { n: bigint }[]
            >`SELECT count(*) AS n FROM pg_largeobject_metadata`
          )[0]?.n,
        );
      expect(await objects()).toBe(2);
      expect(await store.open('runs/crashed')).toBeNull();
      expect(await store.collectAbandoned()).toBe(0); // too young: it may still be uploading
      await crashedDb.prisma.postgresBlob.updateMany({
        where: { complete: false },
        data: { createdAt: new Date(Date.now() - 25 * 3_600_000) },
      });
      expect(await store.collectAbandoned()).toBe(1);
      expect(await objects()).toBe(1);
      expect((await buffer((await store.open('runs/whole')) as Readable)).toString()).toBe('whole');
    } finally {
      await crashedDb.close();
      await crashed.drop();
    }
  });
});

let s3: S3Server | undefined;
contract(
  'an S3-compatible store (SeaweedFS)',
  async () => {
    if (!('weed' in weed)) throw new Error(weed.skip);
    s3 = await startS3Server(weed.weed);
    const store = createS3BlobStore(
      { kind: 's3', bucket: 'artifacts', prefix: 'slipway/', endpoint: s3.endpoint, region: 'us-east-1' },
      { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } },
    );
    await store.client.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    return {
      store,
      keys: async () => {
        const listed = await store.client.send(new ListObjectsV2Command({ Bucket: 'artifacts' }));
        return (listed.Contents ?? []).map((object) => (object.Key ?? '').replace(/^slipway\//, '')).sort();
      },
    };
  },
  async () => {
    await s3?.stop();
  },
  'skip' in weed ? weed.skip : undefined,
);

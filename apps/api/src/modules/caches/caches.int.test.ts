// The cache store on real PostgreSQL and a real directory: archives round-trip byte for byte,
// the first writer of a key wins (concurrent saves included), the entry limit refuses while
// streaming and keeps nothing, the least recently used entries are evicted, and clearing or
// deleting the project removes the archives; the list and clear routes with their permissions.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import type { CacheList } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
  until,
} from '../../../test/helper.ts';
import type { CachesConfig } from './cache-config.ts';
import { ABANDONED_SAVE_MS, cacheKeyHash } from './cache-store.ts';
import { createCachesModule } from './caches.module.ts';
import { ABANDONED_WRITE_MS, createDirectoryBlobStore } from './directory-blob-store.ts';

const CACHES = '/api/v1/workspaces/acme/projects/shop/caches';

/** Every file under `dir`, as paths relative to it (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function bodyOf(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 16 * 1024) chunks.push(bytes.subarray(at, at + 16 * 1024));
  return Readable.from(chunks);
}

describe.skipIf(postgresSkipReason())('job caches', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let dir: string;
  let config: CachesConfig;
  let projectId: string;
  /** Keys of the complete blobs under `caches/` in the app's BlobStore (PostgreSQL here). */
  const cacheBlobs = async () =>
    (
      await t.db.prisma.postgresBlob.findMany({
        where: { key: { startsWith: 'caches/' }, complete: true },
        orderBy: { key: 'asc' },
        select: { key: true },
      })
    ).map((row) => row.key);
  // A clock that moves one second per reading: the order of use is the order of calls.
  const start = Date.now();
  let tick = 0;
  const now = () => new Date(start + tick++ * 1000);

  /** A store as the job-files routes get it, on the app's database, directory and BlobStore. */
  function cachesWith(limits: Partial<CachesConfig> = {}) {
    return createCachesModule({
      prisma: t.db.prisma,
      projects: t.services.projects,
      config: { ...config, ...limits },
      // Kubernetes jobs' caches: the app's artifact BlobStore (PostgreSQL large objects here).
      blobs: t.artifacts.blobs,
      now,
    });
  }
  const local = (key: string) => ({ projectId, executor: 'local' as const, key });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-caches-'));
    config = { dir: path.join(dir, 'caches'), maxProjectBytes: 1024 ** 2, maxEntryBytes: 512 * 1024 };
    t = await buildTestApp({ caches: config });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop');
    await seedWorkspace(admin, 'acme2', 'other');
    projectId = (await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'shop' } })).id;
  });

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('restores a saved archive byte for byte, stored under the project and the key’s SHA-256', async () => {
    const { store } = cachesWith();
    const bytes = randomBytes(200 * 1024 + 7);
    expect(await store.save(local('npm-abc'), bodyOf(bytes))).toEqual({ saved: true });
    const restored = await store.open(local('npm-abc'));
    expect(restored).not.toBeNull();
    expect((await buffer(restored as Readable)).equals(bytes)).toBe(true);
    const files = await filesUnder(config.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^${projectId}/${cacheKeyHash('npm-abc')}-[0-9a-f-]{36}\\.tar\\.gz$`),
    );
    // Another key, another executor: misses.
    expect(await store.open(local('npm-xyz'))).toBeNull();
    expect(await store.open({ ...local('npm-abc'), executor: 'kubernetes' })).toBeNull();
  });

  it('does not overwrite a key that exists: the second save is refused and its body drained', async () => {
    const { store } = cachesWith();
    const first = randomBytes(1000);
    expect(await store.save(local('once'), bodyOf(first))).toEqual({ saved: true });
    const second = bodyOf(randomBytes(1000));
    expect(await store.save(local('once'), second)).toEqual({ saved: false, reason: 'exists' });
    await finished(second);
    expect((await buffer((await store.open(local('once'))) as Readable)).equals(first)).toBe(true);
  });

  it('lets exactly one of two concurrent saves of a key win, and restores the winner’s bytes', async () => {
    const { store } = cachesWith();
    const [a, b] = [new PassThrough(), new PassThrough()];
    const [bytesA, bytesB] = [randomBytes(64 * 1024), randomBytes(64 * 1024)];
    const saves = [store.save(local('race'), a), store.save(local('race'), b)];
    // Both are under way before either body ends.
    await until('the first reservation', async () =>
      (await t.db.prisma.cacheEntry.count({ where: { key: 'race' } })) === 1 ? true : undefined,
    );
    a.end(bytesA);
    b.end(bytesB);
    const results = await Promise.all(saves);
    expect(results.filter((r) => r.saved)).toHaveLength(1);
    expect(results.filter((r) => !r.saved)).toEqual([{ saved: false, reason: 'exists' }]);
    const winner = results[0]?.saved ? bytesA : bytesB;
    expect((await buffer((await store.open(local('race'))) as Readable)).equals(winner)).toBe(true);
    const hash = cacheKeyHash('race');
    expect((await filesUnder(config.dir)).filter((f) => f.includes(hash))).toHaveLength(1);
  });

  it('refuses an archive over the entry limit while it streams, keeping nothing of it', async () => {
    const { store } = cachesWith({ maxEntryBytes: 100 * 1024 });
    const before = await filesUnder(config.dir);
    const body = bodyOf(randomBytes(300 * 1024));
    const result = await store.save(local('too-big'), body);
    expect(result).toEqual({
      saved: false,
      reason: 'the cache archive is larger than 102400 bytes (SLIPWAY_CACHE_MAX_ENTRY_BYTES); not saved',
    });
    // The rest of the body is read (the request can be answered), and nothing is left.
    await finished(body);
    expect(await filesUnder(config.dir)).toEqual(before);
    expect(await t.db.prisma.cacheEntry.count({ where: { key: 'too-big' } })).toBe(0);
    expect(await store.open(local('too-big'))).toBeNull();
    // Exactly at the limit is allowed.
    expect(await store.save(local('too-big'), bodyOf(randomBytes(100 * 1024)))).toEqual({ saved: true });
  });

  it('refuses an empty key and one longer than 512 characters', async () => {
    const { store } = cachesWith();
    expect(await store.save(local(''), bodyOf(randomBytes(10)))).toEqual({
      saved: false,
      reason: 'the cache key is empty; not saved',
    });
    expect(await store.save(local('k'.repeat(513)), bodyOf(randomBytes(10)))).toEqual({
      saved: false,
      reason: 'the cache key is longer than 512 characters; not saved',
    });
    expect(await store.open(local('k'.repeat(513)))).toBeNull();
  });

  it('evicts the least recently used entries once the project’s caches pass the limit, never the one just saved', async () => {
    await admin.request({ method: 'DELETE', url: CACHES });
    const { store } = cachesWith({ maxProjectBytes: 3000 });
    for (const key of ['a', 'b', 'c']) {
      expect(await store.save(local(key), bodyOf(randomBytes(1000)))).toEqual({ saved: true });
    }
    // Restoring `a` makes `b` the least recently used.
    await buffer((await store.open(local('a'))) as Readable);
    expect(await store.save(local('d'), bodyOf(randomBytes(1000)))).toEqual({ saved: true });
    const list = (await admin.request({ method: 'GET', url: CACHES })).json() as CacheList;
    expect(list.items.map((i) => i.key)).toEqual(['d', 'a', 'c']);
    expect(list.totalSize).toBe(3000);
    expect(await store.open(local('b'))).toBeNull();
    // Kubernetes jobs' caches count towards the same project total.
    const kube = { projectId, executor: 'kubernetes' as const, key: 'e' };
    const kubeBytes = randomBytes(1500);
    expect(await store.save(kube, bodyOf(kubeBytes))).toEqual({ saved: true });
    expect((await buffer((await store.open(kube)) as Readable)).equals(kubeBytes)).toBe(true);
    expect(await cacheBlobs()).toEqual([expect.stringMatching(new RegExp(`^caches/${projectId}/`))]);
    const after = (await admin.request({ method: 'GET', url: CACHES })).json() as CacheList;
    expect(after.items.map((i) => [i.key, i.executor])).toEqual([
      ['e', 'kubernetes'],
      ['d', 'local'],
    ]);
    // One bigger than the whole limit (within the entry limit) pushes out all others but stays.
    expect(await store.save(local('huge'), bodyOf(randomBytes(4000)))).toEqual({ saved: true });
    const last = (await admin.request({ method: 'GET', url: CACHES })).json() as CacheList;
    expect(last.items.map((i) => i.key)).toEqual(['huge']);
    expect(await filesUnder(config.dir)).toHaveLength(1);
    expect(await cacheBlobs()).toEqual([]);
  });

  it('replaces a reservation whose writer died, but not one still being written', async () => {
    const { store } = cachesWith();
    const abandoned = (key: string, ageMs: number) =>
      t.db.prisma.cacheEntry.create({
        data: {
          projectId,
          executor: 'local',
          key,
          keyHash: cacheKeyHash(key),
          storageKey: `${projectId}/${cacheKeyHash(key)}-left.tar.gz`,
          createdAt: new Date(Date.now() - ageMs),
        },
      });
    await abandoned('crashed', ABANDONED_SAVE_MS + 60_000);
    await abandoned('uploading', 60_000);
    expect(await store.save(local('crashed'), bodyOf(randomBytes(10)))).toEqual({ saved: true });
    expect(await store.save(local('uploading'), bodyOf(randomBytes(10)))).toEqual({
      saved: false,
      reason: 'exists',
    });
    expect(await store.open(local('uploading'))).toBeNull();
  });

  it('treats an entry whose archive is gone as a miss and lets the key be saved again', async () => {
    const { store } = cachesWith();
    expect(await store.save(local('lost'), bodyOf(randomBytes(10)))).toEqual({ saved: true });
    const lost = await t.db.prisma.cacheEntry.findFirstOrThrow({ where: { key: 'lost' } });
    await rm(path.join(config.dir, lost.storageKey));
    expect(await store.open(local('lost'))).toBeNull();
    expect(await store.save(local('lost'), bodyOf(randomBytes(10)))).toEqual({ saved: true });
  });

  it('removes the temporary files of uploads a restart interrupted when it starts, not one under way', async () => {
    const folder = path.join(config.dir, projectId);
    await mkdir(folder, { recursive: true });
    const stale = path.join(folder, `${cacheKeyHash('stale')}-x.tar.gz.${randomUUID()}.tmp`);
    const fresh = path.join(folder, `${cacheKeyHash('fresh')}-y.tar.gz.${randomUUID()}.tmp`);
    const before = new Date(Date.now() - ABANDONED_WRITE_MS - 60_000);
    for (const [file, when] of [
      [stale, before],
      [fresh, new Date()],
    ] as const) {
      await writeFile(file, 'partial');
      await utimes(file, when, when);
    }
    expect(await createDirectoryBlobStore(config.dir).collectAbandoned()).toBe(1);
    expect((await filesUnder(config.dir)).some((f) => f.endsWith(path.basename(fresh)))).toBe(true);
    // The module sweeps when it is built (the server's start).
    await writeFile(stale, 'partial');
    await utimes(stale, before, before);
    cachesWith();
    await until('the stale upload removed', async () =>
      (await filesUnder(config.dir)).some((f) => f.endsWith(path.basename(stale))) ? undefined : true,
    );
    await rm(fresh);
  });

  it('lists caches to readers and lets only who may update the project clear them', async () => {
    const { store } = cachesWith();
    expect(await store.save(local('listed'), bodyOf(randomBytes(10)))).toEqual({ saved: true });
    const developer = await signInAsProjectMember(t.app, admin, {
      workspace: 'acme',
      project: 'shop',
      username: 'dev',
      role: 'developer',
    });
    const list = await developer.request({ method: 'GET', url: CACHES });
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json() as CacheList;
    expect(body.items[0]).toEqual({
      key: 'listed',
      executor: 'local',
      size: 10,
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
    });
    expect(body).toMatchObject({
      maxProjectBytes: config.maxProjectBytes,
      maxEntryBytes: config.maxEntryBytes,
    });
    expect((await developer.request({ method: 'DELETE', url: CACHES })).statusCode).toBe(403);
    expect((await admin.request({ method: 'GET', url: CACHES.replace('shop', 'nope') })).statusCode).toBe(
      404,
    );

    const cleared = await admin.request({ method: 'DELETE', url: CACHES });
    expect(cleared.statusCode, cleared.body).toBe(204);
    expect(((await admin.request({ method: 'GET', url: CACHES })).json() as CacheList).items).toEqual([]);
    expect(await filesUnder(config.dir)).toEqual([]);
    expect(await store.open(local('listed'))).toBeNull();
  });

  it('drops an upload whose caches are cleared while it streams', async () => {
    const { store } = cachesWith();
    const body = new PassThrough();
    const saving = store.save(local('interrupted'), body);
    await until('the reservation', async () =>
      (await t.db.prisma.cacheEntry.count({ where: { key: 'interrupted' } })) === 1 ? true : undefined,
    );
    expect((await admin.request({ method: 'DELETE', url: CACHES })).statusCode).toBe(204);
    body.end(randomBytes(1000));
    expect(await saving).toEqual({
      saved: false,
      reason: 'the project’s caches were cleared while this one was saved',
    });
    expect(await filesUnder(config.dir)).toEqual([]);
    expect(await t.db.prisma.cacheEntry.count()).toBe(0);
  });

  it('deletes a project’s caches with the project, of both executors, and no other project’s', async () => {
    const { store } = cachesWith();
    const otherId = (await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'other' } })).id;
    expect(await store.save(local('mine'), bodyOf(randomBytes(10)))).toEqual({ saved: true });
    expect(
      await store.save({ projectId, executor: 'kubernetes', key: 'mine' }, bodyOf(randomBytes(10))),
    ).toEqual({ saved: true });
    const theirs = { projectId: otherId, executor: 'local' as const, key: 'theirs' };
    expect(await store.save(theirs, bodyOf(randomBytes(10)))).toEqual({ saved: true });

    expect(await cacheBlobs()).toHaveLength(1);

    const deleted = await admin.request({ method: 'DELETE', url: '/api/v1/workspaces/acme/projects/shop' });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(await t.db.prisma.cacheEntry.findMany({ select: { key: true } })).toEqual([{ key: 'theirs' }]);
    expect(await cacheBlobs()).toEqual([]);
    const left = await filesUnder(config.dir);
    expect(left).toHaveLength(1);
    expect(left[0]?.startsWith(`${otherId}/`)).toBe(true);
    expect(await readdir(config.dir)).toEqual([otherId]);
    expect((await buffer((await store.open(theirs)) as Readable)).length).toBe(10);
    // A job of the deleted project that saves afterwards is told so.
    expect(await store.save(local('late'), bodyOf(randomBytes(10)))).toEqual({
      saved: false,
      reason: 'the project was deleted',
    });
  });
});

// An informer in client-go's shape (k8s.io/client-go/tools/cache: Reflector → Store/Indexer →
// event handlers, HasSynced): one list + watch of a kind keeps a local, indexed copy of the
// objects it selects, so readers answer from memory instead of asking the API server.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { type WatchTarget, watchResource } from './watch.ts';

/** What an informer tells its handlers; `previous` is the cached object an update replaced. */
export interface InformerHandler<T extends KubernetesObject> {
  onAdd?(object: T): void;
  onUpdate?(object: T, previous: T): void;
  onDelete?(object: T): void;
}

/**
 * Index functions by index name (client-go's `Indexers`): each returns the index values an
 * object is filed under (none: not in that index).
 */
export type Indexers<T extends KubernetesObject> = Record<string, (object: T) => string[]>;

export interface InformerOptions<T extends KubernetesObject> {
  /** What to list and watch; without `namespace`, every namespace (one watch for the cluster). */
  target: WatchTarget;
  indexers?: Indexers<T>;
  /** Told about every interruption the watch recovers from (dropped connection, 410 relist). */
  onRecover?: (reason: string) => void;
  /** Upper bound of the reconnect back-off (ms). */
  maxBackoffMs?: number;
  /**
   * Where the first watch resumes from instead of listing first (for tests that provoke a
   * `410 Gone`); the informer counts as synced only after a list.
   */
  resumeFrom?: string;
  /** Applied to every object before it is cached (client-go's SetTransform), e.g. {@link withoutManagedFields}. */
  transform?: (object: T) => T;
}

/** Drops `metadata.managedFields` (server-side apply bookkeeping, often half an object's size). */
export function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields) delete object.metadata.managedFields;
  return object;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(object: KubernetesObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : String(name);
}

/**
 * A shared informer of one kind. `start()` lists (the cache then `hasSynced()`), then
 * watches from the list's resourceVersion; a dropped watch resumes from the last version
 * seen, a `410 Gone` relists and reports the difference (adds, updates, deletes) to the
 * handlers, so the cache always converges on what the API server holds. `stop()` ends the
 * watch; a later `start()` begins again from an empty cache.
 */
export function createInformer<T extends KubernetesObject>(kc: KubeConfig, options: InformerOptions<T>) {
  const store = new Map<string, T>();
  const indexers = options.indexers ?? {};
  /** index name → index value → keys. */
  const indices = new Map<string, Map<string, Set<string>>>(
    Object.keys(indexers).map((name) => [name, new Map()]),
  );
  const handlers = new Set<InformerHandler<T>>();
  let controller: AbortController | undefined;
  let synced = false;
  let syncWaiters: (() => void)[] = [];

  function fileIndexes(key: string, object: T, add: boolean) {
    for (const [name, indexFn] of Object.entries(indexers)) {
      const index = indices.get(name);
      if (!index) continue;
      for (const value of indexFn(object)) {
        let keys = index.get(value);
        if (add) {
          if (!keys) {
            keys = new Set();
            index.set(value, keys);
          }
          keys.add(key);
        } else if (keys) {
          keys.delete(key);
          if (keys.size === 0) index.delete(value);
        }
      }
    }
  }

  function put(object: T) {
    const key = objectKey(object);
    const previous = store.get(key);
    if (previous) fileIndexes(key, previous, false);
    store.set(key, object);
    fileIndexes(key, object, true);
    for (const handler of handlers) {
      if (previous) handler.onUpdate?.(object, previous);
      else handler.onAdd?.(object);
    }
  }

  function remove(object: T) {
    const key = objectKey(object);
    const cached = store.get(key);
    // A relist reports a re-created object (new uid) before the old one's deletion.
    if (!cached || (cached.metadata?.uid && cached.metadata.uid !== object.metadata?.uid)) return;
    fileIndexes(key, cached, false);
    store.delete(key);
    for (const handler of handlers) handler.onDelete?.(object);
  }

  return {
    /** Starts listing and watching (idempotent while running). */
    start(): void {
      if (controller) return;
      const current = new AbortController();
      controller = current;
      store.clear();
      for (const index of indices.values()) index.clear();
      synced = false;
      void watchResource<T>(kc, options.target, {
        signal: current.signal,
        ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
        ...(options.resumeFrom !== undefined ? { resumeFrom: options.resumeFrom } : {}),
        ...(options.transform ? { transform: options.transform } : {}),
        onRecover: options.onRecover,
        onEvent: (event) => {
          if (current.signal.aborted) return;
          if (event.type === 'DELETED') remove(event.object);
          else put(event.object);
        },
        onListed: () => {
          if (current.signal.aborted) return;
          synced = true;
          const waiters = syncWaiters;
          syncWaiters = [];
          for (const resolve of waiters) resolve();
        },
      }).catch((error: unknown) => options.onRecover?.(`informer stopped: ${String(error)}`));
    },

    /** Ends the watch; the cache stops changing and no handler is called any more. */
    stop(): void {
      controller?.abort();
      controller = undefined;
      synced = false;
      const waiters = syncWaiters;
      syncWaiters = [];
      for (const resolve of waiters) resolve();
    },

    get running(): boolean {
      return controller !== undefined;
    },

    /** True once the first list is in the cache (client-go's HasSynced). */
    hasSynced: (): boolean => synced,

    /** Resolves when the cache has synced, or when the informer stops. */
    waitForSync(): Promise<void> {
      if (synced || !controller) return Promise.resolve();
      return new Promise((resolve) => syncWaiters.push(resolve));
    },

    /** The cached object of that namespace and name. */
    get: (namespace: string | undefined, name: string): T | undefined =>
      store.get(namespace ? `${namespace}/${name}` : name),

    /** Every cached object. */
    list: (): T[] => [...store.values()],

    /** The cached objects an indexer filed under `value`. */
    byIndex(indexName: string, value: string): T[] {
      const index = indices.get(indexName);
      if (!index) throw new Error(`informer has no index "${indexName}"`);
      const keys = index.get(value);
      return keys ? [...keys].flatMap((key) => store.get(key) ?? []) : [];
    },

    /** Adds a handler; returns the function that removes it. */
    addEventHandler(handler: InformerHandler<T>): () => void {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

export type Informer<T extends KubernetesObject> = ReturnType<typeof createInformer<T>>;

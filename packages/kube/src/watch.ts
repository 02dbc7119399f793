import { type KubeConfig, type KubernetesObject, KubernetesObjectApi, Watch } from '@kubernetes/client-node';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubernetesObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchTarget {
  /** `v1`, `batch/v1`, `apps/v1`… */
  apiVersion: string;
  kind: string;
  /** Lowercase plural used in the URL: `pods`, `jobs`, `deployments`. */
  plural: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchOptions<T extends KubernetesObject> {
  onEvent: (event: WatchEvent<T>) => void;
  /** Told about every interruption the watch recovers from (for logs and tests). */
  onRecover?: (reason: string) => void;
  signal: AbortSignal;
  /** Upper bound of the reconnect back-off. */
  maxBackoffMs?: number;
  /**
   * Resume from a resourceVersion saved earlier instead of listing first; when the API
   * server no longer has that history (410) the watch relists.
   */
  resumeFrom?: string;
  /**
   * Called after every list (the first one and each relist after a 410) once its
   * differences have been reported: from then on the events describe the cluster's state.
   */
  onListed?: () => void;
  /**
   * Applied to every object before it is kept or reported (client-go's TransformFunc), e.g.
   * to drop `metadata.managedFields` so a cache holds only what its readers use.
   */
  transform?: (object: T) => T;
}

function collectionPath(target: WatchTarget): string {
  const base = target.apiVersion.includes('/') ? `/apis/${target.apiVersion}` : `/api/${target.apiVersion}`;
  const ns = target.namespace ? `/namespaces/${encodeURIComponent(target.namespace)}` : '';
  return `${base}${ns}/${target.plural}`;
}

const keyOf = (object: KubernetesObject) =>
  object.metadata?.uid ?? `${object.metadata?.namespace}/${object.metadata?.name}`;

class GoneError extends Error {}

/**
 * A watch that does not give up: it lists, then watches from the list's resourceVersion;
 * a dropped connection resumes from the last version seen, a `410 Gone` (history
 * compacted, API server restarted) relists and reports the difference as ordinary
 * ADDED/MODIFIED/DELETED events. Runs until `signal` aborts.
 */
export async function watchResource<T extends KubernetesObject>(
  kc: KubeConfig,
  target: WatchTarget,
  options: WatchOptions<T>,
): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const watcher = new Watch(kc);
  const known = new Map<string, T>();
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  let resourceVersion: string | undefined = options.resumeFrom;
  let backoff = 100;
  const transform = options.transform ?? ((object: T) => object);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      options.signal.addEventListener('abort', done, { once: true });
    });

  const relist = async () => {
    const list = await objects.list<T>(
      target.apiVersion,
      target.kind,
      target.namespace,
      undefined,
      undefined,
      undefined,
      target.fieldSelector,
      target.labelSelector,
    );
    const seen = new Set<string>();
    for (const listed of list.items) {
      const item = transform(listed);
      const key = keyOf(item);
      seen.add(key);
      const previous = known.get(key);
      known.set(key, item);
      if (!previous) options.onEvent({ type: 'ADDED', object: item });
      else if (previous.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
        options.onEvent({ type: 'MODIFIED', object: item });
      }
    }
    for (const [key, object] of [...known]) {
      if (!seen.has(key)) {
        known.delete(key);
        options.onEvent({ type: 'DELETED', object });
      }
    }
    resourceVersion = list.metadata?.resourceVersion;
    options.onListed?.();
  };

  const watchOnce = () =>
    new Promise<void>((resolve, reject) => {
      let controller: AbortController | undefined;
      const stop = () => controller?.abort();
      options.signal.addEventListener('abort', stop, { once: true });
      watcher
        .watch(
          collectionPath(target),
          {
            allowWatchBookmarks: true,
            resourceVersion,
            labelSelector: target.labelSelector,
            fieldSelector: target.fieldSelector,
            timeoutSeconds: 300,
          },
          (type, object: T & { code?: number }) => {
            if (type === 'ERROR') {
              if (object.code === 410) reject(new GoneError('resourceVersion too old'));
              else reject(new Error(`watch error: ${JSON.stringify(object).slice(0, 300)}`));
              stop();
              return;
            }
            const version = object.metadata?.resourceVersion;
            if (version) resourceVersion = version;
            if (type === 'BOOKMARK') return;
            backoff = 100;
            const kept = transform(object);
            const key = keyOf(kept);
            if (type === 'DELETED') known.delete(key);
            else known.set(key, kept);
            options.onEvent({ type: type as WatchEventType, object: kept });
          },
          (error: unknown) => {
            options.signal.removeEventListener('abort', stop);
            if (error && (error as { statusCode?: number }).statusCode === 410) reject(new GoneError('410'));
            else if (error && !options.signal.aborted) reject(error);
            else resolve();
          },
        )
        .then((c) => {
          controller = c;
          if (options.signal.aborted) c.abort();
        }, reject);
    });

  let needsList = options.resumeFrom === undefined;
  while (!options.signal.aborted) {
    try {
      if (needsList) {
        await relist();
        needsList = false;
      }
      await watchOnce();
      // A clean close (server timeout): resume from the last version straight away.
    } catch (error) {
      if (options.signal.aborted) break;
      if (error instanceof GoneError) {
        needsList = true;
        options.onRecover?.('410 Gone: relisting');
        continue;
      }
      options.onRecover?.(
        `watch interrupted (${error instanceof Error ? error.message : String(error)}); retrying`,
      );
      await sleep(backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}

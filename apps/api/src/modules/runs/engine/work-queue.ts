/**
 * What one processing of a key asks for next: nothing (`{}`: done until something adds the
 * key again) or to be processed again after `requeueAfterMs` (a deadline, a job timeout).
 * controller-runtime's `reconcile.Result{RequeueAfter}`.
 */
export interface WorkResult {
  requeueAfterMs?: number | undefined;
}

/**
 * Per-key exponential back-off after errors: `baseMs · 2^(failures-1)` capped at `maxMs`,
 * forgotten when the key next succeeds. client-go's `ItemExponentialFailureRateLimiter`
 * (`util/workqueue/default_rate_limiters.go`; its defaults are 5 ms and 1000 s).
 */
export function exponentialBackoff(baseMs: number, maxMs: number) {
  const failures = new Map<string, number>();
  return {
    /** Records one more failure of `key`; returns how long to wait before its next try (ms). */
    when(key: string): number {
      const count = (failures.get(key) ?? 0) + 1;
      failures.set(key, count);
      // Past 2^40 the cap has long won; keep the exponent finite.
      return Math.min(maxMs, baseMs * 2 ** Math.min(count - 1, 40));
    },
    /** The key succeeded: its next failure starts from `baseMs` again. */
    forget(key: string): void {
      failures.delete(key);
    },
    failures(key: string): number {
      return failures.get(key) ?? 0;
    },
  };
}

export type Backoff = ReturnType<typeof exponentialBackoff>;

/**
 * A queue of keys processed by a bounded number of workers, in controller-runtime's shape
 * (client-go `util/workqueue`, `pkg/internal/controller/controller.go`):
 *
 * - an add of a key already waiting is dropped (the queue holds a key at most once);
 * - a key is never processed twice at once: an add while it is processed marks it dirty,
 *   and it is processed again once the current processing ends;
 * - at most `concurrency` keys are processed at the same time;
 * - `addAfter(key, ms)` adds it later (the earliest of several pending delays wins);
 * - a processing that throws is retried after the key's back-off; one that succeeds
 *   forgets the key's failures and may ask to be requeued after some time;
 * - `shutdown()` drops what waits and resolves once the keys being processed are done.
 */
export function createWorkQueue(options: {
  concurrency: number;
  process: (key: string) => Promise<WorkResult>;
  /** Told about each failure (the key is retried after `retryInMs`). */
  onError?: (key: string, error: unknown, retryInMs: number) => void;
  backoff?: Backoff;
}) {
  const backoff = options.backoff ?? exponentialBackoff(50, 5 * 60_000);
  /** Keys waiting for a worker, in order (a Set: each at most once). */
  const queue = new Set<string>();
  const processing = new Set<string>();
  /** Keys added while processed: queued again when their processing ends. */
  const dirty = new Set<string>();
  /** Delayed adds: when each is due, and its timer. */
  const delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** Callers waiting for the next processing of a key to end, and those of the current one. */
  const waiting = new Map<string, Array<() => void>>();
  const current = new Map<string, Array<() => void>>();
  const inFlight = new Set<Promise<void>>();
  let shuttingDown = false;

  function add(key: string): void {
    if (shuttingDown) return;
    if (processing.has(key)) {
      dirty.add(key);
      return;
    }
    queue.add(key);
    pump();
  }

  function addAfter(key: string, delayMs: number): void {
    if (shuttingDown) return;
    if (delayMs <= 0) {
      add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      delayed.delete(key);
      add(key);
    }, delayMs);
    timer.unref?.();
    delayed.set(key, { at, timer });
  }

  function pump(): void {
    while (processing.size < options.concurrency && queue.size > 0) {
      const key = queue.values().next().value as string;
      queue.delete(key);
      processing.add(key);
      current.set(key, waiting.get(key) ?? []);
      waiting.delete(key);
      const work = processOne(key).finally(() => inFlight.delete(work));
      inFlight.add(work);
    }
  }

  async function processOne(key: string): Promise<void> {
    let result: WorkResult = {};
    try {
      result = await options.process(key);
      backoff.forget(key);
    } catch (error) {
      const retryInMs = backoff.when(key);
      options.onError?.(key, error, retryInMs);
      result = { requeueAfterMs: retryInMs };
    }
    processing.delete(key);
    for (const resolve of current.get(key) ?? []) resolve();
    current.delete(key);
    if (dirty.delete(key)) add(key);
    else if (result.requeueAfterMs !== undefined) addAfter(key, result.requeueAfterMs);
    // A caller waiting for a key whose add was dropped (shutdown) must not wait forever.
    if (shuttingDown) releaseWaiting();
    pump();
  }

  function releaseWaiting(): void {
    for (const resolvers of waiting.values()) for (const resolve of resolvers) resolve();
    waiting.clear();
  }

  return {
    add,
    addAfter,

    /**
     * Adds the key and resolves when a processing of it that starts after this call has
     * ended (at once when the queue is shut down).
     */
    addAndWait(key: string): Promise<void> {
      if (shuttingDown) return Promise.resolve();
      const done = new Promise<void>((resolve) => {
        const list = waiting.get(key) ?? [];
        list.push(resolve);
        waiting.set(key, list);
      });
      add(key);
      return done;
    },

    /** Keys waiting, being processed, or due later (for tests and metrics). */
    size(): { queued: number; processing: number; delayed: number } {
      return { queued: queue.size, processing: processing.size, delayed: delayed.size };
    },

    /** Whether the key is due to be processed later (a requeue-after or a back-off). */
    isDelayed(key: string): boolean {
      return delayed.has(key);
    },

    /** Stops taking keys, drops the waiting and delayed ones, resolves when processing has ended. */
    async shutdown(): Promise<void> {
      shuttingDown = true;
      queue.clear();
      dirty.clear();
      for (const { timer } of delayed.values()) clearTimeout(timer);
      delayed.clear();
      releaseWaiting();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /** Takes keys again after a shutdown (the engine stops and starts with its leadership). */
    restart(): void {
      shuttingDown = false;
    },
  };
}

export type WorkQueue = ReturnType<typeof createWorkQueue>;

/**
 * Counts failed sign-ins per key (username, client address) in a sliding window. Kept in
 * memory: each replica limits on its own, which still caps guessing at N × replicas.
 */
export function createLoginThrottle(options: { maxFailures: number; windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const since = now() - options.windowMs;
    const kept = (failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  }

  return {
    /** Seconds until the next attempt is allowed for any of these keys, or 0. */
    retryAfterSeconds(keys: string[]): number {
      let wait = 0;
      for (const key of keys) {
        const list = recent(key);
        if (list.length >= options.maxFailures) {
          const oldest = list[list.length - options.maxFailures] ?? now();
          wait = Math.max(wait, Math.ceil((oldest + options.windowMs - now()) / 1000));
        }
      }
      return wait;
    },
    recordFailure(keys: string[]): void {
      for (const key of keys) failures.set(key, [...recent(key), now()]);
    },
    reset(keys: string[]): void {
      for (const key of keys) failures.delete(key);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

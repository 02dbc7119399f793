import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkQueue, exponentialBackoff, type WorkResult } from './work-queue.ts';

/** A process function whose calls wait until the test lets each one finish. */
function gatedProcess() {
  const calls: string[] = [];
  const open = new Map<string, Array<(result?: WorkResult | Error) => void>>();
  let active = 0;
  let maxActive = 0;
  return {
    calls,
    get maxActive() {
      return maxActive;
    },
    process(key: string): Promise<WorkResult> {
      calls.push(key);
      active += 1;
      maxActive = Math.max(maxActive, active);
      return new Promise<WorkResult>((resolve, reject) => {
        const list = open.get(key) ?? [];
        list.push((result) => {
          active -= 1;
          if (result instanceof Error) reject(result);
          else resolve(result ?? {});
        });
        open.set(key, list);
      });
    },
    /** Ends the oldest open processing of `key`. */
    finish(key: string, result?: WorkResult | Error) {
      const next = open.get(key)?.shift();
      if (!next) throw new Error(`${key} is not being processed`);
      next(result);
    },
    isOpen: (key: string) => (open.get(key)?.length ?? 0) > 0,
  };
}

/** Lets promise callbacks run (no timers involved). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the work queue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops an add of a key that is already waiting', async () => {
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 1, process: gate.process });
    queue.add('busy');
    queue.add('a');
    queue.add('a');
    queue.add('a');
    expect(queue.size().queued).toBe(1);
    gate.finish('busy');
    await flush();
    gate.finish('a');
    await flush();
    expect(gate.calls).toEqual(['busy', 'a']);
  });

  it('never processes a key twice at once: an add during processing runs it once more afterwards', async () => {
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 4, process: gate.process });
    queue.add('a');
    await flush();
    queue.add('a');
    queue.add('a');
    await flush();
    expect(gate.calls).toEqual(['a']);
    expect(gate.maxActive).toBe(1);
    gate.finish('a');
    await flush();
    expect(gate.calls).toEqual(['a', 'a']);
    gate.finish('a');
    await flush();
    expect(gate.calls).toEqual(['a', 'a']);
    expect(gate.maxActive).toBe(1);
  });

  it('processes at most `concurrency` keys at the same time', async () => {
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 2, process: gate.process });
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    await flush();
    expect(gate.calls).toEqual(['a', 'b']);
    gate.finish('a');
    await flush();
    expect(gate.calls).toEqual(['a', 'b', 'c']);
    gate.finish('b');
    gate.finish('c');
    await flush();
    gate.finish('d');
    await flush();
    expect(gate.maxActive).toBe(2);
  });

  it('adds a key after a delay, the earliest of several delays winning', async () => {
    vi.useFakeTimers();
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 1, process: gate.process });
    queue.addAfter('a', 5_000);
    queue.addAfter('a', 1_000);
    queue.addAfter('a', 3_000);
    expect(queue.isDelayed('a')).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(gate.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(gate.calls).toEqual(['a']);
    gate.finish('a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gate.calls).toEqual(['a']);
  });

  it('requeues a key after the time its processing asks for', async () => {
    vi.useFakeTimers();
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 1, process: gate.process });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(0);
    gate.finish('a', { requeueAfterMs: 2_000 });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(gate.calls).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1);
    expect(gate.calls).toEqual(['a', 'a']);
  });

  it('backs off per key after errors (50 ms doubling, capped) and forgets on success', async () => {
    vi.useFakeTimers();
    const gate = gatedProcess();
    const delays: number[] = [];
    const queue = createWorkQueue({
      concurrency: 1,
      process: gate.process,
      backoff: exponentialBackoff(50, 300),
      onError: (_key, _error, retryInMs) => delays.push(retryInMs),
    });
    queue.add('a');
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(0);
      gate.finish('a', new Error('boom'));
      await vi.advanceTimersByTimeAsync(0);
      await vi.advanceTimersByTimeAsync(delays.at(-1) ?? 0);
    }
    expect(delays).toEqual([50, 100, 200, 300, 300]);
    gate.finish('a'); // the sixth try succeeds: the failures are forgotten
    await vi.advanceTimersByTimeAsync(0);
    queue.add('a');
    await vi.advanceTimersByTimeAsync(0);
    gate.finish('a', new Error('again'));
    await vi.advanceTimersByTimeAsync(0);
    expect(delays.at(-1)).toBe(50);
  });

  it('keeps the back-off of each key to itself', () => {
    const backoff = exponentialBackoff(50, 5 * 60_000);
    expect([backoff.when('a'), backoff.when('a'), backoff.when('a')]).toEqual([50, 100, 200]);
    expect(backoff.when('b')).toBe(50);
    for (let i = 0; i < 60; i++) backoff.when('a');
    expect(backoff.when('a')).toBe(5 * 60_000);
    backoff.forget('a');
    expect(backoff.when('a')).toBe(50);
  });

  it('resolves addAndWait once a processing that started after the call has ended', async () => {
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 1, process: gate.process });
    queue.add('a');
    await flush();
    let settled = false;
    const done = queue.addAndWait('a').then(() => {
      settled = true;
    });
    gate.finish('a'); // the processing that was under way when the caller asked
    await flush();
    expect(settled).toBe(false);
    gate.finish('a');
    await done;
    expect(gate.calls).toEqual(['a', 'a']);
  });

  it('drains on shutdown: waiting and delayed keys are dropped, processing ones finish', async () => {
    const gate = gatedProcess();
    const queue = createWorkQueue({ concurrency: 1, process: gate.process });
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 60_000);
    await flush();
    let drained = false;
    const shutdown = queue.shutdown().then(() => {
      drained = true;
    });
    await flush();
    expect(drained).toBe(false);
    gate.finish('a');
    await shutdown;
    expect(gate.calls).toEqual(['a']);
    expect(queue.size()).toEqual({ queued: 0, processing: 0, delayed: 0 });
    queue.add('d');
    await flush();
    expect(gate.calls).toEqual(['a']);
    await queue.addAndWait('d');
    queue.restart();
    queue.add('e');
    await flush();
    expect(gate.calls).toEqual(['a', 'e']);
    gate.finish('e');
  });
});

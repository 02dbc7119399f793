import type { LiveLogLines } from './run-cache.ts';

type Listener = (lines: LiveLogLines) => void;

/**
 * Hands the log lines of the run's event stream to whichever log viewer is open. Nothing
 * is kept: a viewer opened later reads the archive instead.
 */
export class LiveLogFeed {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(lines: LiveLogLines): void {
    for (const listener of this.listeners) listener(lines);
  }
}

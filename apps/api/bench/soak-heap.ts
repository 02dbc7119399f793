// The soak's leak finder (`./run soak --heap`): the server writes a V8 heap snapshot on
// SIGUSR2 (`--heapsnapshot-signal`, into `--diagnostic-dir`), after a full garbage
// collection, so a snapshot holds only live objects. Two snapshots, after the warm-up and at
// the end, counted by constructor: what grew between them is what the server keeps.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** Live objects of one kind: how many and their own (shallow) size in bytes. */
export interface HeapCount {
  count: number;
  bytes: number;
}

/** V8's `.heapsnapshot` JSON: nodes as a flat array of `meta.node_fields` per node. */
interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Counts a snapshot's nodes by `<type>:<name>` (an object's name is its constructor's;
 * strings, code and hidden nodes are grouped by type alone, their names being contents).
 */
export function countHeap(file: HeapSnapshotFile): Map<string, HeapCount> {
  const fields = file.snapshot.meta.node_fields;
  const types = file.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts = new Map<string, HeapCount>();
  for (let at = 0; at < file.nodes.length; at += width) {
    const type = types[file.nodes[at + typeAt] ?? 0] ?? 'unknown';
    const named = type === 'object' || type === 'closure' || type === 'native';
    const key = named ? `${type}:${file.strings[file.nodes[at + nameAt] ?? 0] ?? ''}` : type;
    const entry = counts.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += file.nodes[at + sizeAt] ?? 0;
    counts.set(key, entry);
  }
  return counts;
}

/** The kinds whose count grew most from `before` to `after`, biggest growth in bytes first. */
export function heapGrowth(
  before: Map<string, HeapCount>,
  after: Map<string, HeapCount>,
  top = 15,
): { kind: string; count: number; bytes: number }[] {
  return [...after.entries()]
    .map(([kind, now]) => {
      const then = before.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: now.count - then.count, bytes: now.bytes - then.bytes };
    })
    .filter((growth) => growth.count > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/**
 * Asks the server (started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`) for a
 * snapshot and counts it once written; the file is removed. Resolves within `timeoutMs` or throws.
 */
export async function takeHeapCounts(
  pid: number,
  dir: string,
  timeoutMs = 180_000,
): Promise<Map<string, HeapCount>> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const written = (await readdir(dir)).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (written) {
      const file = path.join(dir, written);
      // The file is complete when it parses (V8 writes it in one go, then closes it).
      try {
        const counts = countHeap(JSON.parse(await readFile(file, 'utf8')) as HeapSnapshotFile);
        await rm(file, { force: true });
        return counts;
      } catch {
        // still being written
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`no heap snapshot of process ${pid} in ${dir} within ${timeoutMs} ms`);
}

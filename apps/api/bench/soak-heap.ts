// The soak's leak finder (`./run soak --heap`): the server writes a V8 heap snapshot on
// SIGUSR2 (`--heapsnapshot-signal`, into `--diagnostic-dir`), after a full garbage
// collection, so a snapshot holds only live objects. Two snapshots, after the warm-up and at
// the end: the objects of the second that the first did not have (V8 keeps an object's id
// across snapshots), by kind and by what holds them, are what the server keeps.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** V8's `.heapsnapshot` JSON: nodes and edges as flat arrays of `meta.node_fields` / `meta.edge_fields`. */
interface HeapSnapshotFile {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * A snapshot reduced to what the leak report needs: the id of every live object (V8 keeps an
 * object's id across the snapshots of one process) and, for each, its kind and what holds it.
 */
export interface HeapCensus {
  ids: Set<number>;
  /** Per object id: `<kind> ← <holder's kind>.<edge>`; `<kind>` is `<type>:<constructor>`, or the type alone for strings, code, numbers. */
  held: Map<number, string>;
}

/** How many holders up each reported object's chain goes. */
const HOLDER_DEPTH = 6;
/** Node types whose new objects are reported (not `code`, `hidden`, `array`: V8's own). */
const REPORTED_TYPES = new Set([
  'object',
  'closure',
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'native',
]);

/** Reads a snapshot into a census (the first strong holder of each object is named). */
export function censusOf(file: HeapSnapshotFile): HeapCensus {
  const { meta } = file.snapshot;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const [typeAt, nameAt, idAt, edgeCountAt] = ['type', 'name', 'id', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  ) as [number, number, number, number];
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) =>
    meta.edge_fields.indexOf(f),
  ) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const kindOf = (node: number) => {
    const type = nodeTypes[file.nodes[node + typeAt] ?? 0] ?? 'unknown';
    const named = type === 'object' || type === 'closure' || type === 'native';
    return named ? `${type}:${file.strings[file.nodes[node + nameAt] ?? 0] ?? ''}` : type;
  };
  // Each node's first strong holder: the holding node and the edge's label.
  const holder = new Map<number, { from: number; label: string }>();
  let edge = 0;
  for (let node = 0; node < file.nodes.length; node += nodeWidth) {
    const edges = file.nodes[node + edgeCountAt] ?? 0;
    for (let i = 0; i < edges; i += 1, edge += edgeWidth) {
      const type = edgeTypes[file.edges[edge + edgeTypeAt] ?? 0];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = file.edges[edge + toAt] ?? 0;
      if (holder.has(to)) continue;
      const name = file.edges[edge + edgeNameAt] ?? 0;
      const label = type === 'element' || type === 'hidden' ? `[${type}]` : (file.strings[name] ?? '');
      holder.set(to, { from: node, label });
    }
  }
  /** `kind ← holder.edge ← its holder.edge …`, HOLDER_DEPTH steps up. */
  const chainOf = (node: number) => {
    const parts = [kindOf(node)];
    // Bounded steps: a cycle of holders of one kind (a ring of list nodes) must not spin.
    for (let at = node, depth = 0, steps = 0; depth < HOLDER_DEPTH && steps < 10_000; steps += 1) {
      const up = holder.get(at);
      if (!up) break;
      const part = `${kindOf(up.from)}.${up.label}`;
      // A string built by appending is a chain of ropes: one step for the whole chain.
      if (parts.at(-1) !== part) {
        parts.push(part);
        depth += 1;
      }
      at = up.from;
    }
    return parts.join(' ← ');
  };
  const ids = new Set<number>();
  const held = new Map<number, string>();
  for (let node = 0; node < file.nodes.length; node += nodeWidth) {
    const id = file.nodes[node + idAt] ?? 0;
    ids.add(id);
    // Code, hidden and internal arrays come and go with compilation: only the program's own values are reported.
    const type = nodeTypes[file.nodes[node + typeAt] ?? 0] ?? '';
    if (REPORTED_TYPES.has(type)) held.set(id, chainOf(node));
  }
  return { ids, held };
}

/** Objects alive in `after` that were not in `before`, grouped by kind and holder, most first. */
export function newObjects(
  before: HeapCensus,
  after: HeapCensus,
  top = 20,
): { what: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const [id, what] of after.held) {
    if (!before.ids.has(id)) counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([what, count]) => ({ what, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, top);
}

/**
 * Asks the server (started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`) for a
 * snapshot and counts it once written; the file is removed. Resolves within `timeoutMs` or throws.
 */
export async function takeHeapCensus(pid: number, dir: string, timeoutMs = 180_000): Promise<HeapCensus> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const written = (await readdir(dir)).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (written) {
      const file = path.join(dir, written);
      // The file is complete when it parses (V8 writes it in one go, then closes it).
      try {
        const census = censusOf(JSON.parse(await readFile(file, 'utf8')) as HeapSnapshotFile);
        await rm(file, { force: true });
        return census;
      } catch {
        // still being written
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`no heap snapshot of process ${pid} in ${dir} within ${timeoutMs} ms`);
}

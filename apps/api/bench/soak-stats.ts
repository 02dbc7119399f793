// What the soak (`soak.ts`) measures and how it judges it: request latencies and errors per
// route, the server's memory samples, and the pass rule. Pure: no I/O besides formatting.
import { percentile } from './harness.ts';

/** Latencies (ms) and errors of one route, over the whole run and since the last report. */
interface RouteRecord {
  total: number[];
  window: number[];
  errors: number;
}

/** One error the soak saw: when (ms since its start), where, and what. */
export interface SoakError {
  atMs: number;
  route: string;
  message: string;
}

/** Request latencies per route (`GET /workspaces/:workspace/projects`…) and every error seen. */
export class SoakStats {
  readonly routes = new Map<string, RouteRecord>();
  readonly errors: SoakError[] = [];
  /** When the load began (performance.now() ms); set by `begin`. */
  startedAt = performance.now();

  /** The load begins now: times are counted from here (the server's start-up is not part of the soak). */
  begin(): void {
    this.startedAt = performance.now();
  }

  private record(route: string): RouteRecord {
    let record = this.routes.get(route);
    if (!record) {
      record = { total: [], window: [], errors: 0 };
      this.routes.set(route, record);
    }
    return record;
  }

  /** A request that ended (answered or not) after `ms` milliseconds. */
  latency(route: string, ms: number): void {
    const record = this.record(route);
    record.total.push(ms);
    record.window.push(ms);
  }

  /** Something that must not happen: a request answered unexpectedly, a run not succeeded, a lost delivery. */
  error(route: string, message: string): void {
    this.record(route).errors += 1;
    const atMs = performance.now() - this.startedAt;
    this.errors.push({ atMs, route, message });
    // The first errors are printed as they happen; all are counted.
    if (this.errors.length <= 20) console.log(`ERROR at ${(atMs / 1000).toFixed(0)} s, ${route}: ${message}`);
  }

  /** Per route: requests, errors, p50 / p99 / max (ms) of the window since the last call (or of the whole run). */
  table(scope: 'window' | 'total'): string[] {
    const rows: string[][] = [['route', 'requests', 'errors', 'p50 ms', 'p99 ms', 'max ms']];
    for (const [route, record] of [...this.routes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const values = record[scope];
      rows.push([
        route,
        String(values.length),
        String(record.errors),
        fmt(percentile(values, 50)),
        fmt(percentile(values, 99)),
        fmt(values.length ? Math.max(...values) : Number.NaN),
      ]);
      if (scope === 'window') record.window = [];
    }
    return markdownTable(rows);
  }

  /** Requests answered so far, all routes. */
  requests(): number {
    let n = 0;
    for (const record of this.routes.values()) n += record.total.length;
    return n;
  }
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? '—' : ms.toFixed(1);
}

/** Rows as a Markdown table, columns padded (the first left-aligned, the others right-aligned). */
export function markdownTable(rows: readonly string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const [head, ...body] = rows;
  return [
    line(head ?? []),
    `| ${widths.map((width, column) => (column === 0 ? '-'.repeat(width) : `${'-'.repeat(Math.max(1, width - 1))}:`)).join(' | ')} |`,
    ...body.map(line),
  ];
}

/** A reading of the server process: resident memory (MiB) and open file descriptors, at `atMs` since the start. */
export interface ProcessSample {
  atMs: number;
  rssMiB: number;
  fds: number;
}

/** The verdict on memory after the warm-up: whether RSS grew, with the figures that say so. */
export interface GrowthVerdict {
  growing: boolean;
  /** Samples after the warm-up that were judged. */
  samples: number;
  firstThirdMaxMiB: number;
  lastThirdMaxMiB: number;
  /** Least-squares slope of RSS over the judged samples, MiB per minute (reported, not judged). */
  slopeMiBPerMinute: number;
  /** Why, in one line. */
  reason: string;
}

/** How much the last third's peak may exceed the first third's: 10 %. */
export const RSS_TOLERANCE = 1.1;

/**
 * "RSS not growing after the warm-up": the samples after `warmupMs` are cut into three equal
 * spans of time, and the highest RSS of the last third must be at most 1.1 × the highest of the
 * first third. Peaks are compared, not means or a regression slope, because a Node process's
 * RSS is a saw-tooth driven by garbage collection (V8 grows the heap, collects, and returns
 * memory to the OS late): a fit through the teeth swings with where the last collection fell,
 * while the high-water mark of a span only rises when the live set or the heap's reservations
 * rise — which is what a leak does. 10 % absorbs one more heap page-space or an arena the
 * allocator keeps; a leak of 2 % a minute fails a 10-minute run (the thirds are ~2.7 min apart).
 * The slope is printed beside it for a reader. Fewer than 6 samples cannot be judged: growing.
 */
export function rssGrowth(samples: readonly ProcessSample[], warmupMs: number): GrowthVerdict {
  const judged = samples.filter((sample) => sample.atMs >= warmupMs);
  const empty = { firstThirdMaxMiB: Number.NaN, lastThirdMaxMiB: Number.NaN, slopeMiBPerMinute: Number.NaN };
  if (judged.length < 6) {
    return {
      growing: true,
      samples: judged.length,
      ...empty,
      reason: `only ${judged.length} samples after the warm-up: run longer`,
    };
  }
  const start = judged[0]?.atMs ?? 0;
  const span = (judged.at(-1)?.atMs ?? 0) - start;
  const peak = (from: number, to: number) =>
    Math.max(...judged.filter((s) => s.atMs - start >= from && s.atMs - start <= to).map((s) => s.rssMiB));
  const firstThirdMaxMiB = peak(0, span / 3);
  const lastThirdMaxMiB = peak((2 * span) / 3, span);
  const slopeMiBPerMinute = slope(judged.map((s) => [s.atMs / 60_000, s.rssMiB] as const));
  const growing = lastThirdMaxMiB > firstThirdMaxMiB * RSS_TOLERANCE;
  return {
    growing,
    samples: judged.length,
    firstThirdMaxMiB,
    lastThirdMaxMiB,
    slopeMiBPerMinute,
    reason: `last third's peak ${lastThirdMaxMiB.toFixed(1)} MiB ${growing ? '>' : '≤'} ${RSS_TOLERANCE} × first third's peak ${firstThirdMaxMiB.toFixed(1)} MiB`,
  };
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}

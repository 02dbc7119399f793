/**
 * The lines of one step's log that the viewer holds: fixed-size pages fetched on demand
 * plus the live lines from the event stream, with the least recently drawn pages dropped
 * past `maxPages` — so scrolling through a million lines never holds them all.
 *
 * Page `p` holds lines `p * pageSize + 1` to `(p + 1) * pageSize` (line numbers are
 * 1-based), densely from its first line: a page with a gap is never built.
 */
export class LogPageCache {
  private readonly pages = new Map<number, string[]>();
  /** The log length each page was last fetched at: it is fetched again only once that grew. */
  private readonly fetchedAt = new Map<number, number>();

  constructor(
    readonly pageSize: number,
    private readonly maxPages: number,
  ) {}

  /** The text of a line, or undefined while its page is not here. */
  line(number: number): string | undefined {
    const page = this.pages.get(this.pageOf(number));
    return page?.[(number - 1) % this.pageSize];
  }

  pageOf(number: number): number {
    return Math.floor((number - 1) / this.pageSize);
  }

  /** The first line number of a page, for the `from` of its request. */
  firstLineOf(page: number): number {
    return page * this.pageSize + 1;
  }

  /**
   * Pages among `wanted` that lack lines the log has (`totalLines`), and have not been
   * fetched at this length already. Marks the wanted pages as recently used.
   */
  missing(wanted: readonly number[], totalLines: number): number[] {
    const missing: number[] = [];
    for (const page of wanted) {
      const lines = this.pages.get(page);
      if (lines) this.touch(page, lines);
      const expected = Math.min(this.pageSize, totalLines - page * this.pageSize);
      if (expected <= 0 || (lines?.length ?? 0) >= expected) continue;
      if ((this.fetchedAt.get(page) ?? -1) >= totalLines) continue;
      missing.push(page);
    }
    return missing;
  }

  /** Stores a fetched page (its lines in order from its first line). */
  storePage(page: number, lines: readonly string[], totalLines: number): void {
    const existing = this.pages.get(page) ?? [];
    // Live lines may already have gone past what the request saw: keep the longer one.
    const merged = existing.length > lines.length ? existing : lines.slice(0, this.pageSize);
    this.pages.set(page, [...merged]);
    this.fetchedAt.set(page, totalLines);
    this.evict(page);
  }

  /**
   * Adds live lines starting at `firstLine`. Lines that would leave a gap in their page are
   * dropped (the page is fetched when drawn); returns whether anything was stored.
   */
  appendLive(firstLine: number, lines: readonly string[]): boolean {
    let stored = false;
    lines.forEach((text, offset) => {
      const number = firstLine + offset;
      const page = this.pageOf(number);
      const index = (number - 1) % this.pageSize;
      let held = this.pages.get(page);
      if (!held && index === 0) {
        held = [];
        this.pages.set(page, held);
        this.evict(page);
      }
      if (!held || index > held.length) return;
      held[index] = text;
      stored = true;
    });
    return stored;
  }

  get pageCount(): number {
    return this.pages.size;
  }

  private touch(page: number, lines: string[]): void {
    this.pages.delete(page);
    this.pages.set(page, lines);
  }

  /** Drops the least recently used pages past the limit, never `keep`. */
  private evict(keep: number): void {
    for (const page of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) return;
      if (page === keep) continue;
      this.pages.delete(page);
      this.fetchedAt.delete(page);
    }
  }
}

/**
 * The maths of the virtualised log: which rows are visible for a scroll position, where
 * each is drawn, and which pages of lines to fetch. Pure, so it is tested without a DOM.
 *
 * Browsers cap an element's height (Firefox near 17.9 million pixels), which a million
 * 18-pixel rows exceed. Past `maxScrollHeight` the scrollable height is capped and a
 * scroll position maps proportionally onto the full ("virtual") height instead.
 */
export interface Viewport {
  rowCount: number;
  rowHeight: number;
  viewportHeight: number;
  /** The tallest scrollable content to create, in pixels. */
  maxScrollHeight: number;
}

export interface RowWindow {
  /** First row to draw, 0-based. */
  first: number;
  /** One past the last row to draw. */
  end: number;
  /** Where row `first` is drawn, in pixels from the top of the scrollable content. */
  firstTop: number;
}

export const DEFAULT_MAX_SCROLL_HEIGHT = 10_000_000;

/** The height of the scrollable content (the spacer the rows are drawn in). */
export function scrollHeightOf(viewport: Viewport): number {
  return Math.min(viewport.rowCount * viewport.rowHeight, viewport.maxScrollHeight);
}

/** How far virtual pixels move per scrolled pixel: 1 unless the height is capped. */
function virtualPerPhysical(viewport: Viewport): number {
  const virtualRange = viewport.rowCount * viewport.rowHeight - viewport.viewportHeight;
  const physicalRange = scrollHeightOf(viewport) - viewport.viewportHeight;
  if (virtualRange <= 0 || physicalRange <= 0) return 1;
  return virtualRange / physicalRange;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** The rows to draw at `scrollTop`, with `overscan` extra rows on each side. */
export function visibleRows(viewport: Viewport, scrollTop: number, overscan = 10): RowWindow {
  const { rowCount, rowHeight, viewportHeight } = viewport;
  if (rowCount === 0) return { first: 0, end: 0, firstTop: 0 };
  const maxScrollTop = Math.max(scrollHeightOf(viewport) - viewportHeight, 0);
  const physical = clamp(scrollTop, 0, maxScrollTop);
  const virtual = physical * virtualPerPhysical(viewport);
  const first = clamp(Math.floor(virtual / rowHeight) - overscan, 0, rowCount - 1);
  const end = clamp(Math.ceil((virtual + viewportHeight) / rowHeight) + overscan, first + 1, rowCount);
  // Rows sit at their virtual offset shifted by how far the virtual view is ahead of the
  // physical one, so they move exactly with the scrollbar.
  return { first, end, firstTop: physical + first * rowHeight - virtual };
}

/** The scroll position that shows `row` (0-based): centred, or at the bottom for the tail. */
export function scrollTopForRow(viewport: Viewport, row: number, align: 'center' | 'end' = 'center'): number {
  const { rowCount, rowHeight, viewportHeight } = viewport;
  const virtualMax = Math.max(rowCount * rowHeight - viewportHeight, 0);
  const wanted =
    align === 'center'
      ? row * rowHeight - (viewportHeight - rowHeight) / 2
      : (row + 1) * rowHeight - viewportHeight;
  return clamp(wanted, 0, virtualMax) / virtualPerPhysical(viewport);
}

/** Whether the view shows the last row (so new lines should keep it there). */
export function isAtEnd(viewport: Viewport, scrollTop: number, slack = 4): boolean {
  return scrollTop + viewport.viewportHeight >= scrollHeightOf(viewport) - slack;
}

/** Pages (0-based, `pageSize` lines each) holding rows `first` to `end - 1`. */
export function pagesCovering(first: number, end: number, pageSize: number): number[] {
  if (end <= first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / pageSize); page <= Math.floor((end - 1) / pageSize); page++) {
    pages.push(page);
  }
  return pages;
}

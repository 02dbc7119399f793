/**
 * Pure tab logic for `DetailPage`: which tab a `?tab=` value selects, and where the arrow keys
 * move focus. Follows the WAI-ARIA Authoring Practices "Tabs" pattern (roving tabindex,
 * automatic activation): ArrowLeft/ArrowRight wrap around, Home/End go to the ends.
 */

/** The search parameter that holds the selected tab's id. */
export const TAB_PARAM = 'tab';

/**
 * The id of the selected tab: `requested` when a tab has that id, else the first tab's id
 * (an unknown or missing `?tab=` never leaves the page without a panel). Undefined when there
 * are no tabs.
 */
export function selectedTabId(tabs: readonly { id: string }[], requested: string | null): string | undefined {
  if (requested !== null && tabs.some((tab) => tab.id === requested)) return requested;
  return tabs[0]?.id;
}

/**
 * The index of the tab a key press moves to from `current` among `count` tabs, or undefined
 * when the key is not a tab-navigation key (the event is then left alone).
 */
export function tabIndexAfterKey(key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

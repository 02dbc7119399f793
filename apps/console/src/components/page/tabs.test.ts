import { describe, expect, it } from 'vitest';
import { selectedTabId, tabIndexAfterKey } from './tabs.ts';

const tabs = [{ id: 'overview' }, { id: 'runs' }, { id: 'settings' }];

describe('selectedTabId', () => {
  it('selects the tab the URL names', () => {
    expect(selectedTabId(tabs, 'runs')).toBe('runs');
  });
  it('falls back to the first tab for a missing or unknown id', () => {
    expect(selectedTabId(tabs, null)).toBe('overview');
    expect(selectedTabId(tabs, 'nope')).toBe('overview');
  });
  it('is undefined without tabs', () => {
    expect(selectedTabId([], 'runs')).toBeUndefined();
  });
});

describe('tabIndexAfterKey', () => {
  it('moves right and left, wrapping around', () => {
    expect(tabIndexAfterKey('ArrowRight', 0, 3)).toBe(1);
    expect(tabIndexAfterKey('ArrowRight', 2, 3)).toBe(0);
    expect(tabIndexAfterKey('ArrowLeft', 0, 3)).toBe(2);
    expect(tabIndexAfterKey('ArrowLeft', 2, 3)).toBe(1);
  });
  it('jumps to the ends with Home and End', () => {
    expect(tabIndexAfterKey('Home', 2, 3)).toBe(0);
    expect(tabIndexAfterKey('End', 0, 3)).toBe(2);
  });
  it('ignores other keys and an empty tab list', () => {
    expect(tabIndexAfterKey('Enter', 1, 3)).toBeUndefined();
    expect(tabIndexAfterKey('ArrowRight', 0, 0)).toBeUndefined();
  });
});

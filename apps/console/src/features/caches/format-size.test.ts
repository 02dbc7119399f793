import { describe, expect, it } from 'vitest';
import { formatSize } from './format-size.ts';

describe('formatSize', () => {
  it('shows bytes whole and larger sizes in powers of 1024 with one decimal', () => {
    expect(formatSize(0, 'en')).toBe('0 B');
    expect(formatSize(1023, 'en')).toBe('1,023 B');
    expect(formatSize(1536, 'en')).toBe('1.5 KiB');
    expect(formatSize(5 * 1024 ** 3, 'en')).toBe('5 GiB');
    expect(formatSize(1024 ** 5 * 3, 'en')).toBe('3,072 TiB');
  });
});

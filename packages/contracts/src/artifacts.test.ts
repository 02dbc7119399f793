import { describe, expect, it } from 'vitest';
import { formatBytes } from './artifacts.ts';

describe('formatBytes', () => {
  it('reads as people read sizes, in binary units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 * 1024)).toBe('2 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5 TiB');
  });
});

import { SlugSchema } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import { slugify } from './slug.ts';

describe('slugify', () => {
  it.each([
    ['Shop API (EU)', 'shop-api-eu'],
    ['  Café  Crème ', 'cafe-creme'],
    ['---', ''],
    ['Über_Service 2', 'uber-service-2'],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('always yields a valid slug or nothing, even when cut at 63 characters', () => {
    const slug = slugify(`${'a'.repeat(62)} b c`);
    expect(slug.length).toBeLessThanOrEqual(63);
    expect(SlugSchema.safeParse(slug).success).toBe(true);
  });
});

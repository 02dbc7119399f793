import { describe, expect, it } from 'vitest';
import { PageQuerySchema, SlugSchema } from './common.ts';
import { endpointUrl } from './endpoint.ts';

describe('SlugSchema (DNS-1123 label)', () => {
  it.each(['a', 'shop', 'shop-api', 'a1-b2', '0abc', 'a'.repeat(63)])('accepts %j', (slug) => {
    expect(SlugSchema.safeParse(slug).success).toBe(true);
  });

  it.each(['', 'Shop', 'shop_api', '-shop', 'shop-', 'shop.api', 'a'.repeat(64), 'ü'])(
    'rejects %j, stating the rule',
    (slug) => {
      const result = SlugSchema.safeParse(slug);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/DNS-1123 label: 1–63 characters, lowercase letters/);
    },
  );
});

describe('PageQuerySchema', () => {
  it('defaults the limit and coerces it from the query string', () => {
    expect(PageQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(PageQuerySchema.parse({ limit: '5', cursor: 'abc' })).toEqual({ limit: 5, cursor: 'abc' });
  });

  it('rejects limits outside 1..200 and unknown parameters', () => {
    expect(PageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ sort: 'name' }).success).toBe(false);
  });
});

describe('endpointUrl', () => {
  it('fills and encodes path parameters', () => {
    expect(
      endpointUrl('/api/v1/workspaces/{workspace}/projects/{project}', { workspace: 'a b', project: 'x/y' }),
    ).toBe('/api/v1/workspaces/a%20b/projects/x%2Fy');
  });

  it('refuses a missing parameter instead of calling a wrong URL', () => {
    expect(() => endpointUrl('/api/v1/workspaces/{workspace}', {})).toThrow(
      /missing path parameter "workspace"/,
    );
  });
});

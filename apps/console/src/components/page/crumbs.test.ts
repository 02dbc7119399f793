import type { Params } from 'react-router';
import { describe, expect, it } from 'vitest';
import { crumbsOf } from './crumbs.ts';

const crumb = (label: string) => ({ crumb: (params: Params) => `${label}:${params.workspace ?? ''}` });

describe('crumbsOf', () => {
  it('keeps the routes with a crumb, outermost first, and marks the last as current', () => {
    const params = { workspace: 'shop' };
    const trail = crumbsOf([
      { id: 'shell', params, handle: undefined },
      { id: 'workspaces', params, handle: crumb('Workspaces') },
      { id: 'workspace', params, handle: crumb('ws') },
      { id: 'workspace-index', params, handle: {} },
      { id: 'credentials', params, handle: crumb('Credentials') },
    ]);
    expect(trail).toEqual([
      { id: 'workspaces', node: 'Workspaces:shop', current: false },
      { id: 'workspace', node: 'ws:shop', current: false },
      { id: 'credentials', node: 'Credentials:shop', current: true },
    ]);
  });

  it('is empty when no route has a crumb', () => {
    expect(crumbsOf([{ id: 'shell', params: {}, handle: null }])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';

const SPEC = `stages:
  - name: approve
    approval: { role: release-managers }
  - name: deploy
    jobs:
      - name: sign-off
        steps:
          - approval: { role: operatr, count: 2 }
      - name: default-role
        steps:
          - approval: {}
`;

describe('approval gates name roles that exist', () => {
  it('names each gate whose role is neither built in nor a custom role of the workspace, at its role', () => {
    const roles = ['operator', 'developer'];
    expect(parsePipeline(SPEC, { roles }).errors).toEqual([
      {
        line: 3,
        column: 23,
        path: 'stages[0].approval.role',
        message: "unknown role 'release-managers'; a gate names one of: operator, developer",
      },
      {
        line: 8,
        column: 31,
        path: 'stages[1].jobs[0].steps[0].approval.role',
        message:
          "unknown role 'operatr' — did you mean 'operator'?; a gate names one of: operator, developer",
      },
    ]);
    expect(parsePipeline(SPEC, { roles: [...roles, 'release-managers', 'operatr'] }).errors).toEqual([]);
  });

  it('checks nothing when the caller does not know the roles (the console’s offline check)', () => {
    expect(parsePipeline(SPEC).errors).toEqual([]);
  });
});

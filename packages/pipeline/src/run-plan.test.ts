import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import {
  approvalsOf,
  durationSeconds,
  type PlanContext,
  planRun,
  secretEnvName,
  unrunnableReason,
} from './run-plan.ts';

const SPEC = `parameters:
  - name: tag
    type: string
    default: v1
  - name: token
    type: secret
releaseTypes:
  full: { parameters: [tag, token] }
  hotfix:
    parameters: [tag, token]
    stages: [build, approve]
env:
  LEVEL: pipeline
stages:
  - name: test
    when: { releaseType: [full] }
    jobs:
      - name: unit
        image: node:24
        steps:
          - run: npm test
  - name: build
    env:
      LEVEL: stage
    jobs:
      - name: image
        image: alpine:3.22
        timeout: 1h30m
        retries: 2
        env:
          TAG: \${{ params.tag }}-\${{ run.number }}
        steps:
          - name: push
            run: echo \${{ git.branch }} \${{ params.token }}
            env:
              LEVEL: step
      - name: docs
        image: alpine:3.22
        when: { branch: ['release/*'] }
        steps:
          - run: make docs
  - name: approve
    approval: { role: operator, count: 2 }
`;

const context: PlanContext = {
  releaseType: 'hotfix',
  environment: 'prod',
  branch: 'main',
  parameters: { tag: 'v2', token: 'hunter22' },
  runNumber: 12,
  runId: 'run-id',
  sha: 'abc',
  namespace: 'shop-prod',
  project: 'api',
  workspace: 'shop',
  secretParameters: ['token'],
};

describe('planning a run', () => {
  const spec = parsePipeline(SPEC).spec;
  if (!spec) throw new Error('fixture must parse');

  it('decides which stages and jobs run, before anything runs', () => {
    const plan = planRun(spec, context);
    expect(plan.map((j) => [j.stage, j.name, j.kind, j.runs])).toEqual([
      ['test', 'unit', 'job', false], // not in the hotfix release type
      ['build', 'image', 'job', true],
      ['build', 'docs', 'job', false], // branch is not release/*
      ['approve', 'approve', 'approval', true],
    ]);
    expect(plan[3]?.approval).toEqual({ role: 'operator', count: 2, allowSelfApproval: false });
    expect([...approvalsOf(spec)]).toEqual([['approve/approve', plan[3]?.approval]]);
    expect(
      planRun(spec, { ...context, releaseType: 'full', branch: 'release/1.2' }).map((j) => j.runs),
    ).toEqual([true, true, true, true]);
  });

  it('fills variables, layers env (pipeline < stage < job < step) and passes secrets by reference', () => {
    const image = planRun(spec, context)[1];
    expect(image?.timeoutSeconds).toBe(5400);
    expect(image?.retries).toBe(2);
    const [push] = image?.steps ?? [];
    expect(push?.script).toBe(`echo main \${${secretEnvName('token')}}`);
    expect(push?.script).not.toContain('hunter22');
    expect(push?.env).toEqual({ LEVEL: 'step', TAG: 'v2-12' });
  });

  it('takes resources from the job and refuses a malformed quantity at its line', () => {
    const withResources = parsePipeline(
      'stages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        resources: { cpu: 500m, memory: 1Gi }\n        steps:\n          - run: x\n',
    ).spec;
    expect(withResources && planRun(withResources, context)[0]?.resources).toEqual({
      cpu: '500m',
      memory: '1Gi',
    });
    const bad = parsePipeline(
      'stages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        resources:\n          memory: lots\n        steps:\n          - run: x\n',
    );
    expect(bad.errors).toEqual([
      expect.objectContaining({
        line: 7,
        path: 'stages[0].jobs[0].resources.memory',
        message: 'memory must be a quantity like 512Mi or 2Gi',
      }),
    ]);
  });

  it('reads durations and refuses an approval step mixed with other steps', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('2h')).toBe(7200);
    const mixed = parsePipeline(
      'stages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        steps:\n          - run: x\n          - approval: { role: operator }\n',
    ).spec;
    expect(mixed && unrunnableReason(mixed)).toMatch(/approval step must be the job's only step/);
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { resolveRunParameters } from './run-parameters.ts';
import {
  approvalsOf,
  durationSeconds,
  type PlanContext,
  PlanError,
  planRun,
  secretEnvName,
  unrunnableReason,
  variableEnv,
} from './run-plan.ts';
import type { PipelineSpec } from './schema.ts';

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

  it('makes variables references to their environment variables, layers env (pipeline < stage < job < step) and passes secrets by reference', () => {
    const image = planRun(spec, context)[1];
    expect(image?.timeoutSeconds).toBe(5400);
    expect(image?.retries).toBe(2);
    const [push] = image?.steps ?? [];
    expect(push?.script).toBe(
      `export TAG="\${SLIPWAY_PARAM_TAG}-\${SLIPWAY_RUN_NUMBER}"\necho "\${SLIPWAY_BRANCH}" "\${${secretEnvName('token')}}"`,
    );
    expect(push?.script).not.toContain('hunter22');
    expect(push?.env).toEqual({ LEVEL: 'step' });
    expect(variableEnv(spec, context)).toEqual({
      SLIPWAY_RUN_NUMBER: '12',
      SLIPWAY_RUN_ID: 'run-id',
      SLIPWAY_BRANCH: 'main',
      SLIPWAY_SHA: 'abc',
      SLIPWAY_SHORT_SHA: 'abc',
      SLIPWAY_TAG: '',
      SLIPWAY_RELEASE_TYPE: 'hotfix',
      SLIPWAY_ENVIRONMENT: 'prod',
      SLIPWAY_NAMESPACE: 'shop-prod',
      SLIPWAY_PROJECT: 'api',
      SLIPWAY_WORKSPACE: 'shop',
      SLIPWAY_PARAM_TAG: 'v2',
    });
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

/** Runs a planned step as the local executor does (bash), with the run's variables as its environment. */
function runStep(spec: PipelineSpec, planContext: PlanContext, env: Record<string, string> = {}) {
  const step = planRun(spec, planContext).find((j) => j.runs)?.steps[0];
  if (!step) throw new Error('no step');
  expect(step.script).not.toContain('${{');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-ec', step.script], {
    env: { PATH: process.env.PATH, ...variableEnv(spec, planContext), ...step.env, ...env },
    encoding: 'utf8',
  });
  return result.stdout + result.stderr;
}

function parsed(text: string): PipelineSpec {
  const result = parsePipeline(text);
  if (!result.spec) throw new Error(JSON.stringify(result.errors));
  return result.spec;
}

const onePlainContext = { ...context, releaseType: 'full', secretParameters: [] as string[] };

describe('parameter values in steps (field reports 2026-11-30)', () => {
  // params-empty-value.yaml
  const EMPTY = parsed(`parameters:
  - name: msg
    type: string
    default: hello
  - name: note
    type: string
    required: false
releaseTypes:
  full:
    parameters: [msg, note]
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - name: show
            run: |
              echo "msg=[\${{ params.msg }}] note=[\${{ params.note }}]"
`);

  // A release type that does not ask for a parameter the script uses is refused at save
  // (validation), but a run must still never see a literal \${{ }}: build such a spec directly.
  const EMPTY_AND_UNASKED: PipelineSpec = {
    ...EMPTY,
    releaseTypes: { ...EMPTY.releaseTypes, other: { parameters: [] } },
  };

  it('gives every parameter state a defined value: given empty → empty, not given → default, optional without default or not asked → empty', () => {
    const show = (releaseType: string, given: Record<string, unknown>) => {
      const { values, errors } = resolveRunParameters(EMPTY, releaseType, given);
      expect(errors).toEqual([]);
      return { values, log: runStep(EMPTY, { ...onePlainContext, releaseType, parameters: values }) };
    };
    expect(show('full', { msg: '' })).toEqual({ values: { msg: '' }, log: 'msg=[] note=[]\n' });
    expect(show('full', {})).toEqual({ values: { msg: 'hello' }, log: 'msg=[hello] note=[]\n' });
    expect(show('full', { msg: 'x', note: '' })).toEqual({
      values: { msg: 'x', note: '' },
      log: 'msg=[x] note=[]\n',
    });
    const { values, errors } = resolveRunParameters(EMPTY_AND_UNASKED, 'other', {});
    expect({ values, errors }).toEqual({ values: {}, errors: [] });
    expect(runStep(EMPTY_AND_UNASKED, { ...onePlainContext, releaseType: 'other', parameters: values })).toBe(
      'msg=[] note=[]\n',
    );
  });

  it('still requires a required parameter, empty or not, and refuses NUL', () => {
    const spec = parsed(
      'parameters:\n  - name: must\nstages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        steps:\n          - run: "true"\n',
    );
    expect(resolveRunParameters(spec, 'default', { must: '' }).errors).toEqual([
      { parameter: 'must', message: 'is required' },
    ]);
    expect(resolveRunParameters(spec, 'default', { must: 'a\0b' }).errors).toEqual([
      { parameter: 'must', message: 'must not contain a NUL character' },
    ]);
  });

  // params-shell-metacharacters.yaml
  const TITLE = parsed(`parameters:
  - name: title
    type: string
releaseTypes:
  full:
    parameters: [title]
env:
  FROM_ENV: "<\${{ params.title }}>"
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - name: show
            run: |
              echo "title: \${{ params.title }}"
              echo 'single: \${{ params.title }}'
              echo unquoted: \${{ params.title }}
              printf '%s\\n' "env: $FROM_ENV"
              echo "done"
`);

  it('prints a value with $(…), backticks, quotes and backslashes exactly, in every quoting', () => {
    for (const title of [
      'release $(echo INJECTED-BY-PARAM) `id -un`',
      'it\'s a "quoted" title',
      'a\\b $HOME %s ünï  ',
    ]) {
      const log = runStep(TITLE, { ...onePlainContext, parameters: { title } });
      expect(log).toBe(`title: ${title}\nsingle: ${title}\nunquoted: ${title}\nenv: <${title}>\ndone\n`);
    }
  });

  it('passes git values from webhooks as data too: a branch can hold $(…)', () => {
    const spec = parsed(
      'stages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        steps:\n          - run: echo "[${{ git.branch }}] [${{ git.tag }}]"\n',
    );
    const branch = 'feature/$(touch${IFS}/tmp/pwned)`id`';
    expect(runStep(spec, { ...onePlainContext, releaseType: 'default', branch })).toBe(`[${branch}] []\n`);
  });

  it('refuses two parameters that would share an environment variable (a spec stored before save refused it)', () => {
    const spec = parsePipeline(
      'parameters:\n  - name: a-b\n  - name: a_b\nstages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        steps:\n          - run: "true"\n',
      { rules: 'schema' },
    ).spec;
    if (!spec) throw new Error('must parse');
    expect(() => planRun(spec, { ...onePlainContext, releaseType: 'default' })).toThrow(
      "parameters 'a-b' and 'a_b' would both be passed as SLIPWAY_PARAM_A_B; rename one",
    );
  });

  it('fills an image name with the value as it is (a name, not shell), and never with a secret', () => {
    const spec = parsed(
      'parameters:\n  - name: v\n  - name: token\n    type: secret\nstages:\n  - name: s\n    jobs:\n      - name: j\n        image: node:${{ params.v }}\n        steps:\n          - run: "true"\n          - run: "true"\n            image: x:${{ params.token }}\n',
    );
    const context = { ...onePlainContext, releaseType: 'default', parameters: { v: '24-alpine' } };
    expect(() => planRun(spec, { ...context, secretParameters: ['token'] })).toThrow(
      "stage 's', job 'j', step 'step-2': \"x:${{ params.token }}\": only non-secret variables known before the run can be used here (${{ params.token }})",
    );
    expect(planRun(spec, context)[0]?.steps.map((s) => s.image)).toEqual(['node:24-alpine', 'x:']);
  });

  it('refuses, before anything runs, an expression it cannot render — only in jobs that run', () => {
    const spec = parsed(
      "parameters:\n  - name: token\n    type: secret\nstages:\n  - name: s\n    jobs:\n      - name: j\n        image: a\n        steps:\n          - run: |\n              cat <<'EOF'\n              ${{ params.token }}\n              EOF\n      - name: later\n        image: a\n        when: { branch: [never] }\n        steps:\n          - run: echo '${{ params.token'\n",
    );
    const plan = () =>
      planRun(spec, { ...onePlainContext, releaseType: 'default', secretParameters: ['token'] });
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(
      /^stage 's', job 'j', step 'step-1': \$\{\{ params.token \}\} has its value only when the step runs/,
    );
    expect(() =>
      planRun(spec, {
        ...onePlainContext,
        releaseType: 'default',
        branch: 'never',
        secretParameters: ['token'],
      }),
    ).toThrow(/job 'later', step 'step-1': unterminated expression/);
  });
});

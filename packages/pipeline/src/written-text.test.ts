import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { resolveRunParameters } from './run-parameters.ts';
import { type PlanContext, planRun } from './run-plan.ts';
import { expandPipeline, parseTemplate } from './templates.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const context: PlanContext = {
  releaseType: 'full',
  environment: 'dev',
  branch: 'main',
  parameters: {},
  runNumber: 1,
  runId: 'run',
  sha: 'abcdef0123',
  namespace: 'ns',
  project: 'p',
  workspace: 'w',
  secretParameters: [],
};

/** A pipeline with these parameters and one stage `ship` whose `when.parameters` is `when`. */
const gated = (parameters: string, when: string) => `parameters:
${parameters}
stages:
  - name: ship
    when:
      parameters:
        ${when}
    jobs:
      - name: push
        image: alpine:3
        steps:
          - run: echo shipped
`;

const messages = (text: string) => parsePipeline(text).errors.map((e) => [e.line, e.column, e.message]);

describe('when values are checked against the parameter’s declared type', () => {
  it('refuses a boolean parameter compared with the text "true" at the value (field report when-boolean-param-vs-string)', () => {
    expect(messages(fixture('field-reports/when-boolean-param-vs-string.yaml'))).toEqual([
      [
        21,
        17,
        `"true" is text and never matches boolean parameter 'deploy': write true or false without quotes`,
      ],
    ]);
  });

  const BOOLEAN = '  - { name: deploy, type: boolean, default: false }';
  const NUMBER = '  - { name: replicas, type: number, min: 1, max: 5 }';
  const CHOICE = '  - { name: size, type: choice, choices: [small, 1.10] }';
  const TEXT = '  - { name: version, pattern: "^[0-9.]+$" }';

  it.each([
    [
      BOOLEAN,
      'deploy: yes',
      `"yes" is text and never matches boolean parameter 'deploy': write true or false without quotes`,
    ],
    [
      BOOLEAN,
      'deploy: [true, "false"]',
      `"false" is text and never matches boolean parameter 'deploy': write true or false without quotes`,
    ],
    [
      NUMBER,
      'replicas: "3"',
      `"3" is text and never matches number parameter 'replicas': write the number without quotes`,
    ],
    [NUMBER, 'replicas: 9', "9 never matches parameter 'replicas', which must be at most 5"],
    [CHOICE, 'size: large', `"large" never matches parameter 'size', which must be one of: small, 1.10`],
    [CHOICE, 'size: 1.1', `"1.1" never matches parameter 'size', which must be one of: small, 1.10`],
    [TEXT, 'version: v2', `"v2" never matches parameter 'version', which must match ^[0-9.]+$`],
  ])('%s with %s is an error at the value', (parameters, when, message) => {
    const errors = parsePipeline(gated(parameters, when)).errors;
    expect(errors.map((e) => e.message)).toEqual([message]);
    expect(errors[0]?.line).toBe(7);
    expect(errors[0]?.path).toMatch(/^stages\[0\]\.when\.parameters\.\w+(\[1\])?$/);
  });

  it.each([
    [BOOLEAN, 'deploy: true', { deploy: true }],
    [NUMBER, 'replicas: [2, 3]', { replicas: 3 }],
    [CHOICE, 'size: 1.10', { size: '1.10' }],
    [TEXT, 'version: 1.10', { version: '1.10' }],
  ])('%s with %s is valid and matches the run value as written', (parameters, when, values) => {
    const result = parsePipeline(gated(parameters, when));
    expect(result.errors).toEqual([]);
    if (!result.spec) throw new Error('must parse');
    const resolved = resolveRunParameters(result.spec, 'default', values);
    expect(resolved.errors).toEqual([]);
    expect(planRun(result.spec, { ...context, parameters: resolved.values })[0]?.runs).toBe(true);
  });
});

describe('numbers written like versions stay as written where the spec reads text', () => {
  const SPEC = `parameters:
  - name: version
    default: 1.10
  - name: channel
    type: choice
    choices: [1.0, 1.10, 010, 0x1F, 1e3]
    default: 1.10
  - name: replicas
    type: number
    default: 1.50
env: { GO: 1.20, HEX: 0x1F, EXP: 1e3, OCTAL: 010, FLAG: yes, "1.10": ok }
stages:
  - name: build
    env: { JAVA: 17.0 }
    jobs:
      - name: compile
        image: golang:1.20
        env: { NODE: 22.10 }
        resources: { cpu: 0.5 }
        retries: 2
        steps:
          - run: 1.10
            env: { PY: 3.10 }
`;

  it('keeps env values, choices, text defaults and scripts as written; number fields stay numbers', () => {
    const { spec, errors } = parsePipeline(SPEC);
    expect(errors).toEqual([
      // Keys are text as written too: "1.10" is then an invalid variable name, not 1.1.
      expect.objectContaining({ line: 11, path: 'env.1.10' }),
    ]);
    const valid = parsePipeline(SPEC.replace(', "1.10": ok', '')).spec;
    if (!valid) throw new Error(`must parse: ${JSON.stringify(spec)}`);
    expect(valid.parameters?.map((p) => p.default)).toEqual(['1.10', '1.10', 1.5]);
    expect(valid.parameters?.[1]?.choices).toEqual(['1.0', '1.10', '010', '0x1F', '1e3']);
    expect(valid.env).toEqual({ GO: '1.20', HEX: '0x1F', EXP: '1e3', OCTAL: '010', FLAG: 'yes' });
    const job = valid.stages[0]?.jobs?.[0];
    expect(job?.resources).toEqual({ cpu: '0.5' });
    expect(job?.retries).toBe(2);

    const run = resolveRunParameters(valid, 'default', {});
    expect(run).toEqual({ values: { version: '1.10', channel: '1.10', replicas: 1.5 }, errors: [] });
    const [step] = planRun(valid, { ...context, parameters: run.values })[0]?.steps ?? [];
    expect(step?.script).toBe('1.10');
    expect(step?.env).toEqual({
      GO: '1.20',
      HEX: '0x1F',
      EXP: '1e3',
      OCTAL: '010',
      FLAG: 'yes',
      JAVA: '17.0',
      NODE: '22.10',
      PY: '3.10',
    });
  });

  it('accepts a choice sent as a number when its text is among the choices', () => {
    const { spec } = parsePipeline(
      'parameters:\n  - { name: n, type: choice, choices: [1, 2] }\nstages:\n  - name: s\n    approval: {}\n',
    );
    if (!spec) throw new Error('must parse');
    expect(resolveRunParameters(spec, 'default', { n: 2 })).toEqual({ values: { n: '2' }, errors: [] });
  });

  it('fills template inputs as written: 1.10 in text, a number where the field wants one', () => {
    const template = `inputs:
  - { name: go, default: 1.20 }
  - { name: tries, default: 2 }
stages:
  - name: build
    jobs:
      - name: compile
        image: golang:\${{ inputs.go }}
        retries: \${{ inputs.tries }}
        env:
          GO: \${{ inputs.go }}
        steps:
          - run: go build
`;
    expect(parseTemplate(template).errors).toEqual([]);
    const uses = (go: string) => expandPipeline(`uses: go@1\nwith: { ${go}tries: 3 }\n`, template);
    const own = uses('go: 1.10, ').spec?.stages[0]?.jobs?.[0];
    expect(own).toMatchObject({ image: 'golang:1.10', retries: 3, env: { GO: '1.10' } });
    const byDefault = uses('').spec?.stages[0]?.jobs?.[0];
    expect(byDefault).toMatchObject({ image: 'golang:1.20', env: { GO: '1.20' } });
  });

  it('keeps inputs whose names differ only in - and _ (or by a suffix) apart', () => {
    const template = `inputs:
  - { name: v-1, default: 1.10 }
  - { name: v_1, default: 2.50 }
  - { name: v_1_, default: 3.0 }
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        env:
          A: \${{ inputs.v-1 }}
          B: \${{ inputs.v_1 }}
          C: \${{ inputs.v_1_ }}
        steps:
          - run: "true"
`;
    expect(parseTemplate(template).errors).toEqual([]);
    const job = expandPipeline('uses: go@1\n', template).spec?.stages[0]?.jobs?.[0];
    expect(job?.env).toEqual({ A: '1.10', B: '2.50', C: '3.0' });
  });
});

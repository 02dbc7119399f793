import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';
import { pipelineJsonSchema } from './schema.ts';

const SHOP_API = readFileSync(new URL('./fixtures/shop-api.yaml', import.meta.url), 'utf8');

describe('parsePipeline', () => {
  it('accepts the documented example', () => {
    const result = parsePipeline(SHOP_API);
    expect(result.errors).toEqual([]);
    expect(result.spec?.stages.map((s) => s.name)).toEqual(['test', 'build', 'approve']);
    expect(result.spec?.stages[2]?.approval).toEqual({
      role: 'operator',
      count: 1,
      allowSelfApproval: false,
    });
    expect(result.spec?.parameters?.[1]).toMatchObject({
      name: 'skipTests',
      type: 'boolean',
      default: false,
    });
  });

  it('names an unknown step type at its line and column, with a suggestion', () => {
    const text = SHOP_API.replace('            buildImage:', '            buidl-image:');
    const { errors } = parsePipeline(text);
    expect(errors).toEqual([
      {
        line: 36,
        column: 13,
        path: 'stages[1].jobs[0].steps[0]',
        message:
          "unknown step type 'buidl-image' — did you mean 'build-image'?; a step is one of: run, build-image, approval, deploy",
      },
    ]);
  });

  it('reports every schema error, not only the first', () => {
    const text = `stages:
  - name: build
    jobs:
      - name: compile
        image: golang:1.26
        timeout: forever
        retries: 99
        steps:
          - run: go build ./...
            colour: red
  - name: 9lives
    approval: { count: 0 }
`;
    const { errors } = parsePipeline(text);
    expect(errors.map((e) => [e.line, e.column, e.path, e.message])).toEqual([
      [6, 18, 'stages[0].jobs[0].timeout', 'must be a duration like 90s, 20m or 1h30m'],
      [7, 18, 'stages[0].jobs[0].retries', expect.stringMatching(/10/)],
      [10, 13, 'stages[0].jobs[0].steps[0].colour', "unknown field 'colour'"],
      [11, 11, 'stages[1].name', expect.stringMatching(/must start with a letter/)],
      [12, 24, 'stages[1].approval.count', expect.stringMatching(/1/)],
    ]);
  });

  it('points at YAML syntax errors', () => {
    const { errors } = parsePipeline('stages:\n  - name: build\n    jobs: [\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects unknown variables at save time, pointing at the expression', () => {
    const text = SHOP_API.replace('${{ run.number }}', '${{ run.numbr }}').replace(
      'run: npm ci',
      'run: echo ${{ params.tga }} && npm ci',
    );
    const { errors } = parsePipeline(text);
    expect(errors).toEqual([
      expect.objectContaining({
        line: 30,
        column: 23,
        message: "unknown parameter 'tga' in ${{ params.tga }} (declared: tag, skipTests)",
      }),
      expect.objectContaining({
        line: 39,
        message: "unknown variable ${{ run.numbr }} — did you mean 'run.number'?",
      }),
    ]);
    expect(errors[1]?.column).toBe((SHOP_API.split('\n')[38] ?? '').indexOf('${{ run.number }}') + 1);
  });

  it('checks references between release types, stages, parameters and when', () => {
    const text = SHOP_API.replace('stages: [build, approve]', 'stages: [biuld, approve]')
      .replace('parameters: [skipTests]', 'parameters: [skipTest]')
      .replace('when: { releaseType: [full] }', 'when: { releaseType: [ful] }');
    const messages = parsePipeline(text).errors.map((e) => e.message);
    expect(messages).toEqual([
      "release type 'full' asks for unknown parameter 'skipTest' — did you mean 'skipTests'?",
      "release type 'hotfix' names unknown stage 'biuld' — did you mean 'build'?",
      "unknown release type 'ful' — did you mean 'full'?",
    ]);
  });

  it('finds duplicates, bad defaults, and run steps without an image', () => {
    const text = `parameters:
  - name: level
    type: choice
    choices: [low, high]
    default: medium
stages:
  - name: a
    jobs:
      - name: x
        steps:
          - run: echo
      - name: x
        image: alpine
        steps:
          - run: echo
  - name: a
    approval: {}
`;
    const messages = parsePipeline(text).errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual([
      'parameters[0].default: default must be one of: low, high',
      "stages[0].jobs[0].steps[0]: step needs an image: set image on the step or on job 'x'",
      "stages[0].jobs[1].name: job 'x' appears twice in stage 'a'",
      "stages[1].name: stage 'a' is declared twice",
    ]);
  });

  it('refuses two parameters that would reach steps as one environment variable, at the second name', () => {
    const text = `parameters:
  - name: release-notes
  - name: release_notes
  - name: token
    type: secret
  - name: TOKEN
stages:
  - name: s
    jobs:
      - name: j
        image: alpine
        steps:
          - run: echo
`;
    expect(parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      "3:11 parameters 'release-notes' and 'release_notes' would both reach steps as SLIPWAY_PARAM_RELEASE_NOTES; rename one",
    ]);
  });

  it('reports schema errors and unknown variables together, each at its place', () => {
    const text = `stages:
  - name: build
    jobs:
      - name: compile
        image: golang:1.26
        timeout: forever
        steps:
          - run: go build -o app-\${{ git.brnch }} ./...
`;
    expect(parsePipeline(text).errors).toEqual([
      {
        line: 6,
        column: 18,
        path: 'stages[0].jobs[0].timeout',
        message: 'must be a duration like 90s, 20m or 1h30m',
      },
      {
        line: 8,
        column: 34,
        path: 'stages[0].jobs[0].steps[0].run',
        message: "unknown variable ${{ git.brnch }} — did you mean 'git.branch'?",
      },
    ]);
  });

  it('checks references in the parts that passed the schema, next to the schema errors', () => {
    const text = `parameters:
  - name: tag
    type: strng
releaseTypes:
  hotfix:
    parameters: [tag]
    stages: [build, shipp]
stages:
  - name: build
    jobs:
      - name: compile
        image: golang:1.26
        retries: 99
        steps:
          - run: go build -ldflags "-X main.version=\${{ params.tag }}" ./...
  - name: ship
    when: { releaseType: [hotfx] }
    approval: {}
`;
    expect(parsePipeline(text).errors.map((e) => [e.line, e.column, e.path, e.message])).toEqual([
      [3, 11, 'parameters[0].type', expect.stringMatching(/string/)],
      [
        7,
        21,
        'releaseTypes.hotfix.stages[1]',
        "release type 'hotfix' names unknown stage 'shipp' — did you mean 'ship'?",
      ],
      [13, 18, 'stages[0].jobs[0].retries', expect.stringMatching(/10/)],
      [17, 27, 'stages[1].when.releaseType[0]', "unknown release type 'hotfx' — did you mean 'hotfix'?"],
    ]);
  });

  it('does not repeat a schema error as a semantic or variable error', () => {
    const text = `stages:
  - name: build
    jobs:
      - name: compile
        image: ''
        steps:
          - run: make
            colour: \${{ run.nmber }}
          - buidl-image:
              destination: reg/app:\${{ run.nmber }}
`;
    // The empty image is not also "step needs an image"; the variables inside the unknown
    // field and the unknown step are not reported on top of those.
    expect(parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      expect.stringMatching(/^5:16 stages\[0\]\.jobs\[0\]\.image: /),
      "8:13 stages[0].jobs[0].steps[0].colour: unknown field 'colour'",
      expect.stringMatching(/^9:13 stages\[0\]\.jobs\[0\]\.steps\[1\]: unknown step type 'buidl-image'/),
    ]);
  });

  it('generates a JSON Schema with descriptions for the editor', () => {
    const schema = pipelineJsonSchema() as {
      properties: Record<string, { description?: string }>;
      required: string[];
    };
    expect(schema.required).toEqual(['stages']);
    expect(schema.properties.releaseTypes?.description).toMatch(/release types/);
    expect(JSON.stringify(schema)).toContain('buildImage');
  });
});

describe('stored specs', () => {
  // A run's spec passed every rule when it was saved; a rule added later must not stop it.
  const SAVED_BEFORE_NEWER_RULES = `parameters:
  - name: msg
releaseTypes:
  full:
    parameters: [msg]
  quick: {}
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - run: echo \${{ params.msg }}
`;

  it('checks only the shape with rules: schema, every rule otherwise', () => {
    expect(parsePipeline(SAVED_BEFORE_NEWER_RULES).spec).toBeUndefined();
    expect(parsePipeline(SAVED_BEFORE_NEWER_RULES, { rules: 'schema' }).spec?.stages[0]?.name).toBe('s');
    expect(parsePipeline('stages: 3', { rules: 'schema' }).spec).toBeUndefined();
  });
});

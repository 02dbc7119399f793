import { describe, expect, it } from 'vitest';
import { expandPipeline, parseTemplate, templateRefOf } from './templates.ts';

const JAVA_SERVICE = `# the shared Java service pipeline
inputs:
  - name: jdk
    default: 21
  - name: image
    description: where to push
releaseTypes:
  full: {}
stages:
  - name: test
    jobs:
      - name: unit
        image: maven:3.9-eclipse-temurin-\${{ inputs.jdk }}
        steps:
          - run: mvn -B test
  - name: build
    jobs:
      - name: image
        steps:
          - buildImage:
              destination: \${{ inputs.image }}:\${{ git.sha }}
`;

describe('templates', () => {
  it('finds the template a pipeline uses', () => {
    expect(templateRefOf('uses: java-service@3\nwith: { image: x }\n')).toEqual({
      name: 'java-service',
      version: 3,
    });
    expect(templateRefOf('stages: []\n')).toBeNull();
  });

  it('checks a template’s inputs and body', () => {
    expect(parseTemplate(JAVA_SERVICE)).toEqual({
      inputs: [
        { name: 'jdk', default: 21 },
        { name: 'image', description: 'where to push' },
      ],
      errors: [],
    });
    const unknown = parseTemplate(JAVA_SERVICE.replace('inputs.image }}:', 'inputs.imag }}:'));
    expect(unknown.errors[0]?.message).toBe("unknown input 'imag' — did you mean 'image'?");
  });

  it('expands a short pipeline: inputs filled, its own stages replacing or adding', () => {
    const short = `uses: java-service@1
with:
  image: registry.example.com/shop/orders
stages:
  - name: test            # replaces the template's test stage
    jobs:
      - name: unit
        image: maven:3.9-eclipse-temurin-17
        steps:
          - run: mvn -B verify
  - name: notify
    jobs:
      - name: chat
        image: curlimages/curl
        steps:
          - run: curl -X POST https://chat.example.com/hook
`;
    const result = expandPipeline(short, JAVA_SERVICE);
    expect(result.errors).toEqual([]);
    expect(result.spec?.stages.map((s) => s.name)).toEqual(['test', 'build', 'notify']);
    expect(result.spec?.stages[0]?.jobs?.[0]?.steps[0]).toEqual({ run: 'mvn -B verify' });
    expect(result.expanded).toContain('destination: registry.example.com/shop/orders:${{ git.sha }}');
    const plain = expandPipeline('uses: java-service@1\nwith: { image: reg/app }\n', JAVA_SERVICE);
    expect(plain.spec?.stages[0]?.jobs?.[0]?.image).toBe('maven:3.9-eclipse-temurin-21');
  });

  it('names unknown and missing inputs at their place in the pipeline', () => {
    const result = expandPipeline('uses: java-service@1\nwith:\n  imgae: x\n', JAVA_SERVICE);
    expect(result.errors).toEqual([
      { line: 3, column: 3, path: 'with', message: "template has no input 'imgae' — did you mean 'image'?" },
      { line: 3, column: 3, path: 'with', message: "input 'image' is required by java-service@1" },
    ]);
    expect(expandPipeline('uses: java-service\n', JAVA_SERVICE).errors[0]?.message).toMatch(
      /must be <template>@<version>/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../parse.ts';
import { expandPipeline, parseTemplate, templateRefOf } from '../templates.ts';
import { REPOSITORY_TYPES, type RepositoryType } from './detect.ts';
import { starterInputs } from './starter-inputs.ts';
import { starterPipelineText } from './starter-pipeline.ts';
import { STARTER_TEMPLATES } from './starter-templates.ts';

/** A repository of each type, as its root files, with what the inputs are read from. */
const REPOSITORIES: Record<RepositoryType, Record<string, string>> = {
  node: {
    'package.json': JSON.stringify({ engines: { node: '>=22.4' }, scripts: { test: 'vitest run' } }),
    'pnpm-lock.yaml': '',
  },
  maven: { 'pom.xml': '<project><properties><java.version>17</java.version></properties></project>' },
  gradle: { 'build.gradle.kts': 'java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }' },
  go: { 'go.mod': 'module example.com/api\n\ngo 1.25.3\n' },
  python: { 'pyproject.toml': '[project]\nrequires-python = ">=3.12"\n' },
  static: { 'index.html': '<h1>hello</h1>' },
};

async function starterFor(type: RepositoryType) {
  const files = REPOSITORIES[type];
  const inputs = await starterInputs(type, Object.keys(files), (name) => files[name]);
  const template = STARTER_TEMPLATES[type];
  const text = starterPipelineText({
    type,
    template: { name: template.name, version: 1 },
    inputs,
    detectedFrom: Object.keys(files).slice(0, 1),
  });
  return { inputs, template, text };
}

describe('starter pipelines', () => {
  it.each(REPOSITORY_TYPES)('%s: the template is valid and declares every input it uses', (type) => {
    const template = STARTER_TEMPLATES[type];
    expect(template.type).toBe(type);
    const { errors, inputs } = parseTemplate(template.text);
    expect(errors).toEqual([]);
    expect(inputs.map((i) => i.name)).toContain('image');
    // Every input has a default, so `uses:` alone is already a runnable pipeline.
    expect(inputs.filter((i) => i.default === undefined)).toEqual([]);
    expect(template.text).toMatch(/^# /);
  });

  it.each(REPOSITORY_TYPES)(
    '%s: the short pipeline expands to checkout, test, build with an image',
    async (type) => {
      const { text, template } = await starterFor(type);
      expect(templateRefOf(text)).toEqual({ name: template.name, version: 1 });
      const expanded = expandPipeline(text, template.text);
      expect(expanded.errors).toEqual([]);
      expect(expanded.spec?.stages.map((s) => s.name)).toEqual(['checkout', 'test', 'build']);
      const steps = expanded.spec?.stages[2]?.jobs?.flatMap((job) => job.steps) ?? [];
      expect(steps.at(-1)).toMatchObject({
        buildImage: {
          destination:
            'registry.example.com/${{ workspace.slug }}/${{ project.slug }}:${{ run.number }}-${{ git.shortSha }}',
        },
      });
      // The expanded text is itself a valid pipeline, and nothing of `${{ inputs.x }}` is left.
      expect(parsePipeline(expanded.expanded ?? '').errors).toEqual([]);
      expect(expanded.expanded).not.toContain('inputs.');
    },
  );

  it('writes the values read from the repository into with:, keeping comments for the reader', async () => {
    const node = await starterFor('node');
    expect(
      node.text,
    ).toBe(`# Starter pipeline, created when the project was imported (Node.js, detected from package.json).
# The stages come from the workspace template node-service, version 1.
# To change a stage, list one with the same name under \`stages:\` here; other names are
# added after the template’s stages. Images go to the template’s \`image\` input: set
# \`image:\` under \`with:\` to push them elsewhere.
uses: node-service@1
with:
  nodeVersion: "22"
  install: corepack enable && pnpm install --frozen-lockfile
  test: pnpm test
  build: pnpm run --if-present build
`);
    const expanded = expandPipeline(node.text, node.template.text);
    expect(expanded.spec?.stages[1]?.jobs?.[0]).toMatchObject({
      image: 'node:22',
      steps: [{ run: 'corepack enable && pnpm install --frozen-lockfile' }, { run: 'pnpm test' }],
    });
    expect((await starterFor('maven')).inputs).toEqual({ jdk: '17' });
    expect((await starterFor('gradle')).inputs).toEqual({ jdk: '21', gradle: 'gradle' });
    expect((await starterFor('go')).inputs).toEqual({ goVersion: '1.25' });
    expect((await starterFor('python')).inputs).toEqual({ pythonVersion: '3.12', install: 'pip install .' });
    const site = await starterFor('static');
    expect(site.inputs).toEqual({});
    expect(site.text).not.toMatch(/^with:/m);
  });

  it('falls back to the template defaults when the repository says nothing', async () => {
    expect(await starterInputs('node', ['package.json', 'package-lock.json'])).toEqual({ nodeVersion: '24' });
    expect(await starterInputs('go', ['go.mod'])).toEqual({ goVersion: '1.26' });
    expect(await starterInputs('maven', ['pom.xml'], () => '<java.version>${jdk}</java.version>')).toEqual({
      jdk: '21',
    });
    const npmInit = JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } });
    expect(await starterInputs('node', ['package.json'], () => npmInit)).toEqual({
      nodeVersion: '24',
      install: 'npm install',
      test: 'echo "package.json has no test script yet"',
    });
  });
});

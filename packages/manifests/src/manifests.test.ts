import { describe, expect, it } from 'vitest';
import { isKnownPlaceholder, parseManifests, placeholdersOf, renderManifests } from './index.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \${{ params.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          env:
            - name: GREETING
              value: "hello \${{ environment.name }}!"
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.app-config }}
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

const values = {
  'params.replicas': '3',
  'release.image': 'registry.example.com/shop/web:42',
  'environment.name': 'staging',
  'release.config.app-config': 'app-config-v2',
};

describe('parseManifests', () => {
  it('reads every object of multi-document files in file order, skipping empty documents', () => {
    const { objects, problems } = parseManifests({
      'deploy/web.yaml': `---\n# nothing here\n---\n${deployment}---\n${service}---\n`,
      'extra.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n',
    });
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.file, o.line, o.column, o.object.kind])).toEqual([
      ['deploy/web.yaml', 4, 1, 'Deployment'],
      ['deploy/web.yaml', 23, 1, 'Service'],
      ['extra.yml', 1, 1, 'ConfigMap'],
    ]);
    // Unrendered: placeholders stay as written.
    expect(objects[0]?.object.spec).toMatchObject({ replicas: '${{ params.replicas }}' });
  });

  it('reports a YAML syntax error at its line and column', () => {
    const { objects, problems } = parseManifests({ 'a.yaml': 'apiVersion: v1\nkind: x\n  y: z\n' });
    expect(objects).toEqual([]);
    expect(problems[0]).toMatchObject({ file: 'a.yaml', line: 2, column: 7, path: null });
  });

  it('reports a syntax error in the second document at its line in the file', () => {
    const { objects, problems } = parseManifests({ 'a.yaml': `${service}---\nkind: x\n  y: z\n` });
    expect(objects.map((o) => o.object.kind)).toEqual(['Service']);
    expect(problems[0]).toMatchObject({ file: 'a.yaml', line: 9, column: 7 });
  });

  it('reports a missing kind, apiVersion and name at the object', () => {
    const { objects, problems } = parseManifests({
      'a.yaml': `${service}---\napiVersion: v1\nmetadata:\n  name: x\n---\nkind: Service\nmetadata: {}\n`,
    });
    expect(objects).toHaveLength(1);
    expect(problems).toEqual([
      expect.objectContaining({ file: 'a.yaml', line: 9, column: 1, path: 'kind' }),
      expect.objectContaining({ file: 'a.yaml', line: 13, path: 'apiVersion' }),
      expect.objectContaining({ file: 'a.yaml', line: 13, path: 'metadata.name' }),
    ]);
    expect(problems[0]?.message).toMatch(/kind is missing/);
  });

  it('refuses a document that is not a mapping', () => {
    const { problems } = parseManifests({ 'a.yaml': '- a\n- b\n' });
    expect(problems).toEqual([expect.objectContaining({ line: 1, column: 1, path: null })]);
    expect(problems[0]?.message).toMatch(/must be a mapping/);
  });

  it('refuses the same object twice, across files and API versions of one group', () => {
    const again = service.replace('apiVersion: v1', 'apiVersion: v1');
    const deploymentBeta = deployment.replace('apps/v1', 'apps/v1beta2');
    const { problems } = parseManifests({
      'a.yaml': `${service}---\n${deployment}`,
      'b.yaml': `${again}---\n${deploymentBeta}---\n${service.replace('name: web', 'name: web\n  namespace: other')}`,
    });
    expect(problems.map((p) => [p.file, p.line, p.path])).toEqual([
      ['b.yaml', 1, 'metadata.name'],
      ['b.yaml', 9, 'metadata.name'],
    ]);
    expect(problems[0]?.message).toBe('Service web appears twice: it is also in a.yaml at line 1');
  });

  it('reports an unknown placeholder at its own line and column, with a suggestion', () => {
    const text = service.replace('port: 80', 'port: 80\n      name: "${{ relase.image }}-x"');
    const { problems } = parseManifests({ 's.yaml': text });
    expect(problems).toEqual([
      {
        file: 's.yaml',
        line: 8,
        column: 14,
        path: 'spec.ports[0].name',
        message: "unknown placeholder ${{ relase.image }} — did you mean 'release.image'?",
      },
    ]);
  });

  it('refuses malformed and unterminated placeholders', () => {
    const { problems } = parseManifests({
      's.yaml': service.replace(
        'name: web',
        'name: web\n  labels:\n    a: ${{ }}\n    b: x-${{ git.sha\n    c: ${{ a b }}',
      ),
    });
    expect(problems.map((p) => [p.line, p.column, p.path])).toEqual([
      [6, 8, 'metadata.labels.a'],
      [7, 10, 'metadata.labels.b'],
      [8, 8, 'metadata.labels.c'],
    ]);
    expect(problems[1]?.message).toMatch(/unterminated/);
    expect(problems[2]?.message).toMatch(/malformed/);
  });

  it('never throws on odd input', () => {
    for (const text of [
      '',
      '\t- x',
      '*a',
      '!!binary x',
      'a: &a [*a]',
      '%YAML 1.1\n---\na: 1',
      '{',
      '---\n---\n',
    ])
      expect(() => parseManifests({ 'a.yaml': text })).not.toThrow();
  });
});

describe('renderManifests', () => {
  it('fills placeholders; a plain scalar that is one placeholder becomes a number', () => {
    const { objects, problems } = renderManifests({ 'web.yaml': deployment }, values);
    expect(problems).toEqual([]);
    const spec = objects[0]?.object.spec as {
      replicas: unknown;
      template: {
        spec: { containers: Array<{ image: string; env: Array<{ value: string }> }>; volumes: unknown };
      };
    };
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example.com/shop/web:42');
    expect(spec.template.spec.containers[0]?.env[0]?.value).toBe('hello staging!');
    expect(spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'app-config-v2' } }]);
  });

  it('keeps a quoted placeholder text, and fills keys', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  count: "\${{ params.replicas }}"\n  \${{ environment.name }}.txt: x\n`;
    const { objects } = renderManifests({ 'c.yaml': text }, values);
    expect(objects[0]?.object.data).toEqual({ count: '3', 'staging.txt': 'x' });
  });

  it('renders values with YAML specials as text: the structure never changes', () => {
    const tricky = 'a: b\n# not a comment\n- [x]\n{y: z} &anchor *alias';
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  plain: \${{ params.x }}\n  inside: pre \${{ params.x }} post\n  quoted: '\${{ params.x }}'\n`;
    const { objects, problems } = renderManifests({ 'c.yaml': text }, { 'params.x': tricky });
    expect(problems).toEqual([]);
    expect(objects[0]?.object.data).toEqual({ plain: tricky, inside: `pre ${tricky} post`, quoted: tricky });
    expect(Object.keys(objects[0]?.object ?? {})).toEqual(['apiVersion', 'kind', 'metadata', 'data']);
  });

  it('re-reads only scalars: booleans and null as YAML would, a would-be list stays text', () => {
    const text = `apiVersion: v1\nkind: X\nmetadata:\n  name: x\na: \${{ params.a }}\nb: \${{ params.b }}\nc: \${{ params.c }}\n`;
    const { objects } = renderManifests(
      { 'x.yaml': text },
      { 'params.a': 'true', 'params.b': '[1, 2]', 'params.c': '0x1F' },
    );
    expect(objects[0]?.object).toMatchObject({ a: true, b: '[1, 2]', c: 31 });
  });

  it('reports a placeholder without a value at its line and column, and renders nothing', () => {
    const { objects, problems } = renderManifests({ 'web.yaml': deployment }, {
      ...values,
      'release.image': undefined,
    } as never);
    expect(objects).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'web.yaml',
        line: 11,
        column: 18,
        path: 'spec.template.spec.containers[0].image',
        message: 'no value for ${{ release.image }} in this deploy',
      },
    ]);
  });

  it('returns the parse problems instead of objects', () => {
    const { objects, problems } = renderManifests({ 'a.yaml': 'kind: X\n' }, values);
    expect(objects).toEqual([]);
    expect(problems.map((p) => p.path)).toEqual(['apiVersion', 'metadata']);
  });

  it('refuses two objects that render to the same name', () => {
    const text = `${service}---\n${service.replace('name: web', 'name: ${{ params.name }}')}`;
    const { objects, problems } = renderManifests({ 's.yaml': text }, { 'params.name': 'web' });
    expect(objects).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ line: 9, path: 'metadata.name' })]);
  });
});

describe('placeholders', () => {
  it('knows the release, environment, run, git and parameter names', () => {
    for (const name of [
      'release.image',
      'release.number',
      'release.config.app-config',
      'environment.name',
      'environment.namespace',
      'run.number',
      'run.id',
      'git.branch',
      'git.sha',
      'git.shortSha',
      'git.tag',
      'release.type',
      'project.slug',
      'workspace.slug',
      'params.replicas',
    ])
      expect(isKnownPlaceholder(name), name).toBe(true);
    for (const name of [
      'release',
      'release.config.',
      'params.',
      'secrets.token',
      'git.author',
      'release.config.a.b',
    ])
      expect(isKnownPlaceholder(name), name).toBe(false);
  });

  it('lists every placeholder with where it is', () => {
    expect(placeholdersOf({ 'web.yaml': deployment })).toEqual([
      { name: 'params.replicas', file: 'web.yaml', line: 6, column: 13 },
      { name: 'release.image', file: 'web.yaml', line: 11, column: 18 },
      { name: 'environment.name', file: 'web.yaml', line: 14, column: 29 },
      { name: 'release.config.app-config', file: 'web.yaml', line: 18, column: 19 },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_VALUES } from './load-yaml.ts';
import { parsePipeline } from './parse.ts';
import { expandPipeline, parseTemplate, templateRefOf } from './templates.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SHOP_API = fixture('shop-api.yaml');

const JOB = `stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - run: echo hi
`;

/** The errors as [line, column, message] for compact assertions. */
const where = (text: string) => parsePipeline(text).errors.map((e) => [e.line, e.column, e.message]);

describe('YAML the parser cannot read comes back as errors at line:column, never as an exception', () => {
  it('names an alias to an anchor that does not exist (field report yaml-undefined-alias)', () => {
    expect(where(fixture('field-reports/yaml-undefined-alias.yaml'))).toEqual([
      [13, 16, "unknown anchor 'nope': an alias (*nope) needs an anchor (&nope) above it"],
    ]);
    // An alias used before its anchor is just as unknown.
    expect(where(`x: *later\ny: &later 1\n${JOB}`)).toEqual([
      [1, 4, "unknown anchor 'later': an alias (*later) needs an anchor (&later) above it"],
    ]);
  });

  it('stops aliases that expand into a huge document (billion laughs)', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((name, i) => {
        const previous = 'abcdefg'[i];
        return `${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`;
      }),
    ].join('\n');
    const errors = parsePipeline(`${laughs}\n${JOB}`).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(`aliases here expand the document to more than ${MAX_VALUES} values`);
    // At the outermost alias whose expansion passes the limit: one of e's *d.
    expect(errors[0]?.line).toBe(5);
    expect(errors[0]?.column).toBeGreaterThan(8);
  });

  it('refuses nesting deeper than the limit, at the node', () => {
    const deep = `x: ${'['.repeat(MAX_DEPTH + 5)}${']'.repeat(MAX_DEPTH + 5)}\n${JOB}`;
    expect(where(deep)).toEqual([[1, 4 + MAX_DEPTH, `nested too deeply (at most ${MAX_DEPTH} levels)`]]);
    // So deep that the YAML library itself gives up: still an error, not a crash.
    const abyss = `x: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    expect(() => parsePipeline(abyss)).not.toThrow();
    expect(parsePipeline(abyss).errors[0]).toMatchObject({ line: 1, path: '' });
  });

  it.each([
    ['a duplicate key', `${JOB}stages: []\n`, [[8, 1, 'this key appears twice in the same map']]],
    [
      'a duplicate key in a flow map',
      `env: { A: 1, A: 2 }\n${JOB}`,
      [[1, 14, 'this key appears twice in the same map']],
    ],
    [
      'a tab as indentation',
      JOB.replace('    jobs:', '\tjobs:'),
      [[3, 1, 'tabs cannot indent YAML: use spaces']],
    ],
    [
      'a second document',
      `${JOB}---\nstages: []\n`,
      [
        [
          8,
          1,
          "a spec is one YAML document: remove the '---' line and what follows, or merge it into the first",
        ],
      ],
    ],
    [
      'an unknown tag',
      `env: { A: !vault secret/a }\n${JOB}`,
      [[1, 11, 'tag !vault is not supported: write plain values']],
    ],
    [
      'a binary value',
      `env: { A: !!binary aGk= }\n${JOB}`,
      [[1, 11, 'tag !!binary is not supported: write plain values']],
    ],
    ['a set', `env: !!set { a, b }\n${JOB}`, [[1, 6, 'tag !!set is not supported: write plain values']]],
    [
      'a merge key',
      `x: &defaults { image: alpine:3 }\n${JOB.replace('        image: alpine:3', '        <<: *defaults')}`,
      [[6, 9, 'merge keys (<<) are not supported: write the keys out, or share them with a template']],
    ],
    [
      'a list as a key',
      `? [a, b]\n: 1\n${JOB}`,
      [[1, 3, 'a key must be plain text, not a list, a map or an alias']],
    ],
    [
      'an alias as a key',
      `x: &k name\n*k : 1\n${JOB}`,
      [[2, 1, 'a key must be plain text, not a list, a map or an alias']],
    ],
    [
      'a YAML 1.1 document',
      `%YAML 1.1\n---\n${JOB}`,
      [[1, 1, 'only YAML 1.2 is read (the document asks for 1.1)']],
    ],
  ])('names %s', (_kind, text, expected) => {
    expect(where(text)).toEqual(expected);
  });

  it('keeps working anchors and aliases, and a key named __proto__ is an ordinary (unknown) field', () => {
    const shared = `x-image: &img alpine:3\n${JOB.replace('image: alpine:3', 'image: *img')}`;
    expect(parsePipeline(shared).errors).toEqual([
      { line: 1, column: 1, path: 'x-image', message: "unknown field 'x-image'" },
    ]);
    expect(where(`__proto__: { polluted: true }\n${JOB}`)).toEqual([[1, 1, "unknown field '__proto__'"]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats templates, template users and the template reference the same way', () => {
    const broken = fixture('field-reports/yaml-undefined-alias.yaml');
    expect(parseTemplate(broken).errors.map((e) => [e.line, e.column])).toEqual([[13, 16]]);
    expect(expandPipeline(`uses: t@1\nwith: { a: *nope }\n`, 'stages: []\n').errors).toEqual([
      {
        line: 2,
        column: 12,
        path: '',
        message: "unknown anchor 'nope': an alias (*nope) needs an anchor (&nope) above it",
      },
    ]);
    expect(templateRefOf('uses: *nope\n')).toBeNull();
  });

  /** Text made of the pieces YAML gives meaning to, spliced into a valid spec or on its own. */
  const PIECES = [
    '&a ',
    '*a',
    '*b',
    '&b ',
    '<<: ',
    ': ',
    '- ',
    '\n',
    '  ',
    '\t',
    '[',
    ']',
    '{',
    '}',
    ',',
    '? ',
    '!!binary ',
    '!!set ',
    '!x ',
    '!<tag:x> ',
    '"',
    "'",
    '---\n',
    '...\n',
    '%YAML 1.1\n',
    '%TAG ! x\n',
    '#',
    '|',
    '>-',
    'stages',
    'jobs',
    'name',
    'when',
    'parameters',
    'x',
    '1.10',
    '0x1F',
    'yes',
    'true',
    '~',
    '${{ params.x }}',
    '\\',
    '\u0000',
    '\uFEFF',
    '@',
    '`',
    '%',
  ];
  const yamlish = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));

  it('never throws, whatever the text (property)', () => {
    const splice = fc
      .tuple(fc.nat(SHOP_API.length), yamlish, fc.nat(20))
      .map(([at, piece, cut]) => SHOP_API.slice(0, at) + piece + SHOP_API.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(yamlish, splice, fc.string({ unit: 'binary', maxLength: 80 })), (text) => {
        for (const errors of [
          parsePipeline(text).errors,
          parseTemplate(text).errors,
          expandPipeline(`uses: t@1\n${text}`, text).errors,
          expandPipeline('uses: t@1\n', `inputs: []\n${text}`).errors,
        ]) {
          for (const error of errors) {
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.column).toBeGreaterThanOrEqual(1);
            expect(error.message).not.toBe('');
          }
        }
        templateRefOf(text);
      }),
      { numRuns: 200 },
    );
  });
});

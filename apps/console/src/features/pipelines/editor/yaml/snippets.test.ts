import { parsePipeline } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import { PIPELINE_SNIPPETS, snippetLevelAt, snippetPreview } from './snippets.ts';

// Names unlike the snippets' defaults, so that inserted items do not clash with them.
const SPEC = `stages:
  - name: verify
    jobs:
      - name: check
        image: node:24
        steps:
          - run: npm test
          
      
  
`;

/** The text with `snippet` inserted (with its defaults) as the next item of the list at `indent`. */
function insert(text: string, afterLine: number, indent: number, body: string): string {
  const lines = text.split('\n');
  const pad = ' '.repeat(indent);
  const block = snippetPreview(body)
    .split('\n')
    .map((line) => pad + line);
  return [...lines.slice(0, afterLine + 1), ...block].join('\n');
}

describe('where snippets are offered', () => {
  it('knows the list an item would join from the indentation', () => {
    expect(snippetLevelAt(SPEC, 7, 10)).toBe('step');
    expect(snippetLevelAt(SPEC, 8, 6)).toBe('job');
    expect(snippetLevelAt(SPEC, 9, 2)).toBe('stage');
  });

  it('offers nothing inside a map or after a value', () => {
    const text = 'stages:\n  - name: test\n    jobs:\n      - name: unit\n        \n';
    expect(snippetLevelAt(text, 4, 8)).toBeNull();
    expect(snippetLevelAt('stages:\n  - name: x\n    when: ', 2, 10)).toBeNull();
  });

  it('handles lists written flush with their key once a dash is typed', () => {
    const text = 'stages:\n- name: a\n  approval: {}\n- ';
    expect(snippetLevelAt(text, 3, 2)).toBe('stage');
  });
});

describe('snippets', () => {
  const at = { stage: { line: 9, indent: 2 }, job: { line: 8, indent: 6 }, step: { line: 7, indent: 10 } };
  it.each(PIPELINE_SNIPPETS.map((snippet) => [snippet.label, snippet] as const))(
    '%s inserts a valid item with its defaults',
    (_label, snippet) => {
      const place = at[snippet.level];
      const base = SPEC.split('\n').slice(0, place.line).join('\n');
      const result = parsePipeline(insert(`${base}\n`, place.line - 1, place.indent, snippet.body));
      expect(result.errors).toEqual([]);
    },
  );

  it('previews ${{ }} variables literally', () => {
    expect(snippetPreview('a: ${1:x}:\\${{ git.sha }} ${2|false,true|}')).toBe('a: x:${{ git.sha }} false');
  });
});

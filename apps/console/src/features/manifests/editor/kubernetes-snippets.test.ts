import { parseManifests } from '@slipway/manifests';
import { describe, expect, it } from 'vitest';
import { KUBERNETES_SNIPPETS, snippetsFitAt, snippetText } from './kubernetes-snippets.ts';

describe('Kubernetes snippets', () => {
  it('fit at the start of an empty document only', () => {
    expect(snippetsFitAt('', 0, 0)).toBe(true);
    expect(snippetsFitAt('# web\nDep', 1, 3)).toBe(true);
    const two = 'apiVersion: v1\nkind: Service\n---\nDe\n';
    expect(snippetsFitAt(two, 3, 2)).toBe(true);
    expect(snippetsFitAt(two, 1, 0)).toBe(false);
    expect(snippetsFitAt(`${two}kind: Service\n`, 3, 2)).toBe(false);
    expect(snippetsFitAt('spec:\n  rep', 1, 5)).toBe(false);
    expect(snippetsFitAt('kind: Service\n', 0, 4)).toBe(false);
    expect(snippetsFitAt('\napiVersion: v1\n', 0, 0)).toBe(false);
  });

  it('put the release image and a config set’s ConfigMap in as Slipway placeholders', () => {
    const texts = KUBERNETES_SNIPPETS.map((snippet) => snippetText(snippet.body));
    expect(texts.filter((text) => text.includes('image: ${{ release.image }}'))).toHaveLength(2);
    expect(texts.join('\n')).toContain('            name: ${{ release.config.app-config }}');
    for (const text of texts) {
      expect(text).toMatch(/^apiVersion: \S+\nkind: \w+\nmetadata:\n {2}name: web\n/);
      expect(text).not.toMatch(/\$\{\d/);
    }
  });

  it('insert objects the server accepts (YAML, kind and name, known placeholders)', () => {
    for (const snippet of KUBERNETES_SNIPPETS) {
      const result = parseManifests({ 'web.yaml': snippetText(snippet.body) });
      expect(result.problems, snippet.label).toEqual([]);
      expect(result.objects.map((object) => object.object.kind)).toEqual([snippet.label.split(' ')[0]]);
    }
  });
});

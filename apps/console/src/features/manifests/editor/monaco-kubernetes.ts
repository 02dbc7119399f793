// The manifest editor's additions to the shared Monaco YAML set-up (loaded with it, lazily):
// the Kubernetes schema of the chosen environment and snippets of whole objects.
import { applyYamlSchema, monaco } from '../../pipelines/editor/yaml/monaco-setup.ts';
import type { JsonSchema } from '../../pipelines/schema/json-schema.ts';
import { KUBERNETES_MODEL_SEGMENT } from './kubernetes-model.ts';
import { KUBERNETES_SNIPPETS, snippetsFitAt, snippetText } from './kubernetes-snippets.ts';

/**
 * Checks, completes and explains (hover) the manifest models of `schemaKey` with `schema`.
 * One Kubernetes schema is configured at a time (the one of the environment chosen on the
 * page): schemas are megabytes, and each configured one is kept by the YAML worker.
 */
export function applyKubernetesSchema(schemaKey: string, schema: JsonSchema): void {
  const key = encodeURIComponent(schemaKey);
  applyYamlSchema('kubernetes', {
    // Only the schema's id (schemas are given, never requested); no fragment: that would point inside it.
    uri: new URL(`/api/v1/kubernetes-schema/${key}.json`, window.location.origin).toString(),
    fileMatch: [`**/${KUBERNETES_MODEL_SEGMENT}/${key}/**`],
    schema,
  });
}

monaco.languages.registerCompletionItemProvider('yaml', {
  provideCompletionItems(model, position) {
    if (!model.uri.path.includes(`/${KUBERNETES_MODEL_SEGMENT}/`)) return { suggestions: [] };
    if (!snippetsFitAt(model.getValue(), position.lineNumber - 1, position.column - 1))
      return { suggestions: [] };
    const range = new monaco.Range(position.lineNumber, 1, position.lineNumber, position.column);
    return {
      suggestions: KUBERNETES_SNIPPETS.map((snippet) => ({
        label: { label: snippet.label, description: 'Kubernetes object snippet' },
        kind: monaco.languages.CompletionItemKind.Snippet,
        detail: snippet.detail,
        documentation: { value: `\`\`\`yaml\n${snippetText(snippet.body)}\n\`\`\`` },
        insertText: snippet.body,
        insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
        sortText: `~${snippet.label}`,
        range,
      })),
    };
  },
});

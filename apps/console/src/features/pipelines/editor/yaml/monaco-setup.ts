// Everything Monaco needs, loaded once and only by the lazy YAML editor chunk.
import './monaco-environment.ts';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml, type JSONSchema } from 'monaco-yaml';
import type { JsonSchema } from '../../schema/json-schema.ts';
import { snippetPreview, snippetsAt } from './snippets.ts';
import { PIPELINE_MODEL_SUFFIX } from './yaml-editor-props.ts';

interface WorkerByLabelOptions {
  label?: string;
  moduleId?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

/**
 * monaco-yaml (through monaco-worker-manager) still asks `createWebWorker` for a worker by
 * label, while Monaco ≥ 0.56 wants the worker itself. This does what Monaco's bundled
 * languages do internally: get the worker from MonacoEnvironment and hand it its
 * start-up data.
 */
function createWebWorkerByLabel(options: WorkerByLabelOptions) {
  const created = globalThis.MonacoEnvironment?.getWorker?.(options.moduleId ?? '', options.label ?? '');
  if (!created) throw new Error(`no worker for ${options.label ?? 'an unlabelled module'}`);
  const worker = Promise.resolve(created).then((w) => {
    // The first message starts the worker's server, the second carries its options.
    w.postMessage('ignore');
    w.postMessage(options.createData);
    return w;
  });
  return monaco.editor.createWebWorker({
    worker,
    ...(options.host ? { host: options.host } : {}),
    ...(options.keepIdleModels !== undefined ? { keepIdleModels: options.keepIdleModels } : {}),
  });
}

const monacoForYaml = {
  ...monaco,
  editor: { ...monaco.editor, createWebWorker: createWebWorkerByLabel },
} as unknown as Parameters<typeof configureMonacoYaml>[0];

const schemaUri = new URL('/api/v1/schemas/pipeline.json', window.location.origin).toString();

const monacoYaml = configureMonacoYaml(monacoForYaml, {
  enableSchemaRequest: false,
  hover: true,
  completion: true,
  validate: true,
  format: { enable: true },
  schemas: [],
});

/** The schemas monaco-yaml knows, by who set them ('pipeline', the manifest editor's 'kubernetes'). */
const schemas = new Map<string, { uri: string; fileMatch: string[]; schema: JSONSchema }>();

/**
 * Gives monaco-yaml `schema` for the models whose URI matches `fileMatch` (globs; `**` matches
 * any folders, as in the pipeline schema's pattern), replacing the schema set before under
 * `id`. Setting the same schema object again does nothing (schemas are large: each update
 * goes to the YAML worker).
 */
export function applyYamlSchema(
  id: string,
  settings: { uri: string; fileMatch: string[]; schema: JsonSchema },
): void {
  const current = schemas.get(id);
  if (current?.schema === settings.schema && current.fileMatch.join() === settings.fileMatch.join()) return;
  schemas.set(id, { ...settings, schema: settings.schema as JSONSchema });
  void monacoYaml.update({ ...monacoYaml.getOptions(), schemas: [...schemas.values()] });
}

/** Gives monaco-yaml the pipeline schema (once; later calls with the same schema do nothing). */
export function applyPipelineSchema(schema: JsonSchema): void {
  applyYamlSchema('pipeline', { uri: schemaUri, fileMatch: [`**/*${PIPELINE_MODEL_SUFFIX}`], schema });
}

// Snippets for whole stages, jobs and steps, offered where such an item can go.
monaco.languages.registerCompletionItemProvider('yaml', {
  triggerCharacters: ['-'],
  provideCompletionItems(model, position) {
    if (!model.uri.path.endsWith(PIPELINE_MODEL_SUFFIX)) return { suggestions: [] };
    const snippets = snippetsAt(model.getValue(), position.lineNumber - 1, position.column - 1);
    const line = model.getLineContent(position.lineNumber);
    const startColumn = line.length - line.trimStart().length + 1;
    const range = new monaco.Range(position.lineNumber, startColumn, position.lineNumber, position.column);
    return {
      suggestions: snippets.map((snippet) => ({
        label: { label: snippet.label, description: `${snippet.level} snippet` },
        kind: monaco.languages.CompletionItemKind.Snippet,
        detail: snippet.detail,
        documentation: { value: `\`\`\`yaml\n${snippetPreview(snippet.body)}\n\`\`\`` },
        insertText: snippet.body,
        insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
        filterText: `- ${snippet.label}`,
        sortText: `~${snippet.label}`,
        range,
      })),
    };
  },
});

export { monaco };

import type { ManifestProblem } from '@slipway/contracts';
import { EXPRESSION, readDocument, type SpecError } from '@slipway/pipeline';
import { type Document, isScalar, type Scalar } from 'yaml';
import { type FoundPlaceholder, type ReadDocument, readFiles, scanPlaceholders } from './scan.ts';

/** A Kubernetes object read from a manifest file, with where it starts (1-based). */
export interface ManifestObject {
  file: string;
  line: number;
  column: number;
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: unknown };
    [k: string]: unknown;
  };
}

/** The result of reading or rendering manifest files: objects, or what is wrong with them. */
export interface ManifestsResult {
  objects: ManifestObject[];
  problems: ManifestProblem[];
}

/**
 * Parses every file (multi-document YAML, documents separated by `---`; empty documents
 * skipped). Problems (file, 1-based line and column, field path, message) for: YAML syntax
 * (and what the spec reader refuses: duplicate keys, tabs, custom tags, merge keys…), a
 * document that is not a mapping, a missing `apiVersion`/`kind`/`metadata.name`, the same
 * API group + kind + namespace + name twice, a `${{ }}` that is malformed or whose name
 * {@link isKnownPlaceholder} refuses. Placeholders stay as written in the objects.
 * Never throws on user input.
 */
export function parseManifests(files: Readonly<Record<string, string>>): ManifestsResult {
  const documents = readFiles(files);
  const problems: ManifestProblem[] = [];
  for (const document of documents) {
    problems.push(...document.loaded.errors.map((error) => problemAt(document.file, error)));
    for (const found of scanPlaceholders(document))
      if (found.problem) problems.push(placeholderAt(found, found.problem));
  }
  const objects = objectsOf(documents, problems);
  return { objects, problems };
}

/**
 * Renders for a deploy: every `${{ name }}` inside string scalars (keys too) replaced with
 * `values[name]`; a plain (unquoted) scalar that is exactly one placeholder is re-read as a
 * YAML 1.2 core-schema scalar after filling (so `replicas: ${{ params.replicas }}` becomes a
 * number), never as a list or map, so a value cannot change the objects' structure. A name
 * missing from `values` is a problem at its line:column. Returns the objects in file order,
 * or the problems (never both non-empty).
 */
export function renderManifests(
  files: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): ManifestsResult {
  const documents = readFiles(files);
  const problems: ManifestProblem[] = [];
  const placeholders: FoundPlaceholder[] = [];
  for (const document of documents) {
    problems.push(...document.loaded.errors.map((error) => problemAt(document.file, error)));
    for (const found of scanPlaceholders(document)) {
      placeholders.push(found);
      if (found.problem) problems.push(placeholderAt(found, found.problem));
      else if (typeof values[found.name] !== 'string' || !Object.hasOwn(values, found.name))
        problems.push(placeholderAt(found, `no value for \${{ ${found.name} }} in this deploy`));
    }
  }
  if (problems.length > 0) return { objects: [], problems };

  const filled = new Set<Scalar>();
  for (const found of placeholders) {
    if (filled.has(found.node)) continue;
    filled.add(found.node);
    const text = String(found.node.value).replace(EXPRESSION, (_whole, name: string) => values[name] ?? '');
    found.node.value =
      found.whole && !found.isKey && found.node.type === 'PLAIN' ? coreScalar(found.doc, text) : text;
  }
  const rendered = documents.map((document) =>
    document.loaded.doc
      ? { ...document, loaded: readDocument(document.loaded.doc, document.text, document.loaded.lineCounter) }
      : document,
  );
  for (const document of rendered)
    problems.push(...document.loaded.errors.map((error) => problemAt(document.file, error)));
  const objects = objectsOf(rendered, problems);
  return problems.length > 0 ? { objects: [], problems } : { objects, problems };
}

/**
 * Every placeholder used (well-formed names, known or not), with where: for save-time
 * checks and the editor.
 */
export function placeholdersOf(
  files: Readonly<Record<string, string>>,
): Array<{ name: string; file: string; line: number; column: number }> {
  return readFiles(files).flatMap((document) =>
    scanPlaceholders(document)
      .filter((found) => !found.problem || found.problem.startsWith('unknown placeholder'))
      .map(({ name, file, line, column }) => ({ name, file, line, column })),
  );
}

/** What YAML reads a plain scalar written as `text` to be (number, boolean, null, or the text). */
function coreScalar(doc: Document, text: string): unknown {
  for (const tag of doc.schema.tags) {
    if (tag.default !== true || !('test' in tag) || !tag.test || !tag.test.test(text)) continue;
    if ('resolve' in tag && typeof tag.resolve === 'function') {
      const value = (tag.resolve as (value: string, onError: () => void, options: object) => unknown)(
        text,
        () => {},
        {},
      );
      // Some tags (booleans) resolve to a node keeping how the value was written.
      return isScalar(value) ? value.value : value;
    }
  }
  return text;
}

/** The documents' objects, checking each one's identity; problems are added to `problems`. */
function objectsOf(documents: readonly ReadDocument[], problems: ManifestProblem[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  const seen = new Map<string, ManifestObject>();
  for (const { file, loaded } of documents) {
    // An empty document (nothing, or only comments) holds no object.
    if (loaded.errors.length > 0 || !loaded.doc?.contents || loaded.data === null) continue;
    const { line, col: column } = loaded.lineCounter.linePos(loaded.doc.contents.range[0]);
    const at = (path: string | null, message: string) => problems.push({ file, line, column, path, message });
    const data = loaded.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      at(
        null,
        'a manifest document must be a mapping (a Kubernetes object with apiVersion, kind and metadata)',
      );
      continue;
    }
    const object = data as Record<string, unknown>;
    const metadata = object.metadata;
    const before = problems.length;
    if (!nonEmptyString(object.apiVersion))
      at('apiVersion', 'apiVersion is missing: every object needs one (e.g. apps/v1)');
    if (!nonEmptyString(object.kind)) at('kind', 'kind is missing: every object needs one (e.g. Deployment)');
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
      at('metadata', 'metadata is missing: every object needs metadata with a name');
    else if (!nonEmptyString((metadata as Record<string, unknown>).name))
      at('metadata.name', 'metadata.name is missing: every object needs a name');
    else if (!['string', 'undefined'].includes(typeof (metadata as Record<string, unknown>).namespace))
      at('metadata.namespace', 'metadata.namespace must be text');
    if (problems.length > before) continue;
    const manifest: ManifestObject = { file, line, column, object: object as ManifestObject['object'] };
    const key = identityOf(manifest.object);
    const first = seen.get(key);
    if (first) {
      at(
        'metadata.name',
        `${manifest.object.kind} ${describeName(manifest.object)} appears twice: it is also in ${first.file} at line ${first.line}`,
      );
      continue;
    }
    seen.set(key, manifest);
    objects.push(manifest);
  }
  return objects;
}

/** API group (not version) + kind + namespace + name: what names one object in a cluster. */
function identityOf(object: ManifestObject['object']): string {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? object.apiVersion.slice(0, slash) : '';
  return JSON.stringify([group, object.kind, object.metadata.namespace ?? '', object.metadata.name]);
}

function describeName(object: ManifestObject['object']): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function problemAt(file: string, error: SpecError): ManifestProblem {
  return { file, line: error.line, column: error.column, path: error.path || null, message: error.message };
}

function placeholderAt(found: FoundPlaceholder, message: string): ManifestProblem {
  return { file: found.file, line: found.line, column: found.column, path: found.path || null, message };
}

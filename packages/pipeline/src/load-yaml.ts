import {
  type Alias,
  type Document,
  type EmptyStream,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import type { SpecError } from './errors.ts';

/** Deepest nesting of lists and maps accepted (a pipeline needs about 10). */
export const MAX_DEPTH = 64;
/** Most values a document may expand to through aliases (stops "billion laughs"). */
export const MAX_VALUES = 100_000;

/** Explicit tags that only say what the YAML 1.2 core schema reads anyway. */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

const DUPLICATE_KEY = 'this key appears twice in the same map';

/** What the YAML library says, said for a person writing a pipeline. */
const LIBRARY_MESSAGES: Partial<Record<YAMLError['code'], string>> = {
  MULTIPLE_DOCS:
    "a spec is one YAML document: remove the '---' line and what follows, or merge it into the first",
  RESOURCE_EXHAUSTION: `nested too deeply (at most ${MAX_DEPTH} levels)`,
  DUPLICATE_KEY,
  TAB_AS_INDENT: 'tabs cannot indent YAML: use spaces',
};

export interface LoadedYaml {
  /** The parsed document, for positions; absent when the text could not be parsed at all. */
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data (aliases expanded); `null` for an empty document or on errors. */
  data: unknown;
  /** Everything that stops the text being read as data, each at line:column (path ''). */
  errors: SpecError[];
}

const PARSE_OPTIONS = {
  prettyErrors: false,
  // Checked while reading with a set: the library's check compares every pair of keys.
  uniqueKeys: false,
  merge: false,
  version: '1.2',
} as const;

function cannotRead(error: unknown): SpecError {
  return { line: 1, column: 1, path: '', message: `the YAML cannot be read: ${(error as Error).message}` };
}

/** Stops the walk when the document is too big or too deep; the error is already recorded. */
class Abort extends Error {}

/**
 * Reads user-written YAML (YAML 1.2, core schema) into plain data without ever throwing:
 * syntax errors, duplicate keys, tabs, several documents, unknown anchors, tags other than
 * the core ones (`!!binary`, `!custom`, …), merge keys (`<<`), keys that are lists or maps,
 * nesting deeper than {@link MAX_DEPTH} and alias expansion beyond {@link MAX_VALUES} all
 * come back as errors at their line and column.
 */
export function loadYaml(text: string): LoadedYaml {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, ...PARSE_OPTIONS });
  } catch (error) {
    return { lineCounter, data: null, errors: [cannotRead(error)] };
  }
  return readDocument(doc, text, lineCounter);
}

/**
 * Reads a stream of YAML documents separated by `---` (Kubernetes manifests) with the same
 * rules as {@link loadYaml}, one {@link LoadedYaml} per document (sharing one line counter,
 * so positions are in the whole text). Never throws.
 */
export function loadYamlDocuments(text: string): LoadedYaml[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[] | EmptyStream;
  try {
    docs = parseAllDocuments(text, { lineCounter, ...PARSE_OPTIONS });
  } catch (error) {
    return [{ lineCounter, data: null, errors: [cannotRead(error)] }];
  }
  if ('empty' in docs) {
    // An empty stream (only comments or directives) still reports its errors.
    const errors = docs.errors.map((problem) => {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      return { line, column: col, path: '', message: problem.message.split('\n')[0] ?? problem.message };
    });
    return errors.length > 0 ? [{ lineCounter, data: null, errors }] : [];
  }
  return docs.map((doc) => readDocument(doc, text, lineCounter));
}

/**
 * The errors and data of a parsed document; called again after a caller changed scalar
 * values in `doc` (rendering), it reads the changed values.
 */
export function readDocument(doc: Document.Parsed, text: string, lineCounter: LineCounter): LoadedYaml {
  const errors: SpecError[] = [];
  const at = (offset: number | undefined, message: string) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    errors.push({ line, column: col, path: '', message });
  };
  // Unknown tags are warnings to the library; the walk below reports every unsupported tag.
  const warnings = doc.warnings.filter((warning) => warning.code !== 'TAG_RESOLVE_FAILED');
  for (const problem of [...doc.errors, ...warnings]) {
    const message = LIBRARY_MESSAGES[problem.code] ?? problem.message.split('\n')[0] ?? problem.message;
    if (!errors.some((e) => e.message === message && e.line === lineCounter.linePos(problem.pos[0]).line))
      at(problem.pos[0], message);
  }
  if (doc.directives?.yaml.version && doc.directives.yaml.version !== '1.2')
    at(0, `only YAML 1.2 is read (the document asks for ${doc.directives.yaml.version})`);
  if (errors.length > 0) return { doc, lineCounter, data: null, errors };

  // Each alias's anchor, found in one pass: the library's Alias.resolve searches the whole
  // document every time, which makes a long list of aliases quadratic.
  const targets = new Map<Alias, Node | undefined>();
  aliasTargets.set(doc, targets);
  try {
    const latest = new Map<string, Node>();
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) targets.set(node, latest.get(node.source));
        else if (node.anchor) latest.set(node.anchor, node);
      },
    });
  } catch (error) {
    at(0, `the YAML cannot be read: ${(error as Error).message}`);
    return { doc, lineCounter, data: null, errors };
  }

  let values = 0;
  // `via` is the outermost alias being expanded: where a too-big expansion is reported.
  const toData = (node: unknown, depth: number, via?: Node): unknown => {
    if (node === null || node === undefined) return null;
    const range = (node as Node).range;
    if (depth > MAX_DEPTH) {
      at(range?.[0], `nested too deeply (at most ${MAX_DEPTH} levels)`);
      throw new Abort();
    }
    if (++values > MAX_VALUES) {
      at(
        (via ?? (node as Node)).range?.[0],
        `aliases here expand the document to more than ${MAX_VALUES} values`,
      );
      throw new Abort();
    }
    const tag = (node as { tag?: string }).tag;
    if (tag && !CORE_TAGS.has(tag)) {
      // The node starts after its tag: point at the tag itself.
      const start = range?.[0] ?? 0;
      let end = start;
      while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
      let begin = end;
      while (begin > 0 && !/[\s,[\]{}]/.test(text[begin - 1] ?? '')) begin--;
      at(
        text[begin] === '!' ? begin : start,
        `tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not supported: write plain values`,
      );
      return null;
    }
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) {
        at(
          range?.[0],
          `unknown anchor '${node.source}': an alias (*${node.source}) needs an anchor (&${node.source}) above it`,
        );
        return null;
      }
      return toData(target, depth + 1, via ?? node);
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item) => toData(item, depth + 1, via));
    if (isMap(node)) {
      const entries: [string, unknown][] = [];
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN') {
          at(
            key.range?.[0],
            'merge keys (<<) are not supported: write the keys out, or share them with a template',
          );
          continue;
        }
        if (key !== null && !isScalar(key)) {
          at(key.range?.[0], 'a key must be plain text, not a list, a map or an alias');
          continue;
        }
        const name = keyText(key);
        if (seen.has(name)) {
          at(key?.range?.[0] ?? range?.[0], DUPLICATE_KEY);
          continue;
        }
        seen.add(name);
        entries.push([name, toData(pair.value, depth + 1, via)]);
      }
      // fromEntries defines own properties: a key such as `__proto__` stays an ordinary key.
      return Object.fromEntries(entries);
    }
    at(range?.[0], 'unexpected YAML node');
    return null;
  };

  let data: unknown = null;
  try {
    data = toData(doc.contents, 0);
  } catch (error) {
    if (!(error instanceof Abort)) at(0, `the YAML cannot be read: ${(error as Error).message}`);
  }
  return errors.length > 0 ? { doc, lineCounter, data: null, errors } : { doc, lineCounter, data, errors };
}

const aliasTargets = new WeakMap<Document, Map<Alias, Node | undefined>>();

/** The node an alias stands for (undefined for an unknown anchor); any other node itself. */
export function dereference(doc: Document, node: unknown): unknown {
  if (!isAlias(node)) return node;
  const targets = aliasTargets.get(doc);
  return targets ? targets.get(node) : node.resolve(doc);
}

/** A key as written: `1.10:` is the key "1.10", not "1.1". */
export function keyText(key: unknown): string {
  if (!isScalar(key) || key.value === null || key.value === undefined) return '';
  if (typeof key.value === 'string') return key.value;
  return key.source ?? String(key.value);
}

/**
 * The text of a plain scalar that YAML read as a number or boolean, as written (`1.10`,
 * `0x1F`, `yes`…), or undefined when the node is not one (quoted text, lists, null…).
 * Follows aliases.
 */
export function writtenText(doc: Document, node: unknown): string | undefined {
  const target = dereference(doc, node);
  if (!isScalar(target) || target.type !== 'PLAIN') return undefined;
  if (typeof target.value !== 'number' && typeof target.value !== 'boolean') return undefined;
  return target.source;
}

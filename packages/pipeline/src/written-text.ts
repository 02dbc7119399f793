import { type Document, isMap, isSeq } from 'yaml';
import type { PathSegment } from './errors.ts';
import { dereference, keyText, writtenText } from './load-yaml.ts';

/** Fields the spec reads as text: a plain `1.10` there is the text "1.10", not the number 1.1. */
const TEXT_FIELDS = new Set([
  'name',
  'type',
  'description',
  'pattern',
  'run',
  'image',
  'role',
  'context',
  'dockerfile',
  'destination',
  'credential',
  'cpu',
  'memory',
  'timeout',
  'uses',
]);
/** Lists of text: `when.releaseType`, `when.environment`, `when.branch`, `credentials`, a release type's `parameters` and `stages`. */
const TEXT_LISTS = new Set(['releaseType', 'environment', 'branch', 'credentials', 'parameters', 'stages']);

/** Parameter types whose values are text (a choice's choices are kept as written, so they are text too). */
export function isTextParameterType(type: unknown): boolean {
  return type !== 'boolean' && type !== 'number';
}

interface DeclaredTypes {
  byName: Map<string, unknown>;
  byIndex: unknown[];
}

/** The declared type of each parameter, from the raw document (`string` when not given). */
function parameterTypes(data: unknown): DeclaredTypes {
  const declared: DeclaredTypes = { byName: new Map(), byIndex: [] };
  const list = (data as { parameters?: unknown } | null)?.parameters;
  if (!Array.isArray(list)) return declared;
  for (const item of list) {
    const { name, type } = (item ?? {}) as { name?: unknown; type?: unknown };
    declared.byIndex.push(type ?? 'string');
    if (typeof name === 'string' && !declared.byName.has(name)) declared.byName.set(name, type ?? 'string');
  }
  return declared;
}

function isTextPosition(path: readonly PathSegment[], types: DeclaredTypes): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  // when.parameters.<name> (or one item of its list): text when the parameter is.
  const when = path.lastIndexOf('when');
  if (when >= 0 && path[when + 1] === 'parameters' && path.length > when + 2) {
    const name = path[when + 2];
    return typeof name === 'string' && types.byName.has(name) && isTextParameterType(types.byName.get(name));
  }
  if (parent === 'env') return true;
  if (path[0] === 'parameters' && path[2] === 'choices') return true;
  if (path[0] === 'parameters' && path[2] === 'default' && path.length === 3)
    return isTextParameterType(types.byIndex[path[1] as number]);
  if (typeof last === 'number') return typeof parent === 'string' && TEXT_LISTS.has(parent);
  return typeof last === 'string' && TEXT_FIELDS.has(last);
}

/**
 * Puts back the text a person wrote wherever the spec reads text: YAML reads a plain `1.10`
 * as the number 1.1, `010` as 10, `0x1F` as 31 and `1e3` as 1000; in an environment
 * variable, a script, a choice list, a text parameter's default or a `when` value of a text
 * parameter that would silently change what was written. Number and boolean fields
 * (`retries`, `count`, `required`, a number parameter's default…) keep the YAML value.
 * Changes `data` in place (it is the tree `loadYaml` built from `doc`).
 */
export function keepWrittenText(doc: Document, data: unknown): void {
  const types = parameterTypes(data);
  const textAt = (path: readonly PathSegment[]) => isTextPosition(path, types);

  const walk = (value: unknown, node: unknown, path: PathSegment[]): void => {
    const target = dereference(doc, node);
    if (Array.isArray(value) && isSeq(target)) {
      value.forEach((item, index) => {
        const child = target.items[index];
        const childPath = [...path, index];
        if (typeof item === 'number' || typeof item === 'boolean') {
          const text = textAt(childPath) ? writtenText(doc, child) : undefined;
          if (text !== undefined) value[index] = text;
        } else walk(item, child, childPath);
      });
      return;
    }
    if (value && typeof value === 'object' && isMap(target)) {
      const record = value as Record<string, unknown>;
      for (const pair of target.items) {
        const key = keyText(pair.key);
        const item = record[key];
        const childPath = [...path, key];
        if (typeof item === 'number' || typeof item === 'boolean') {
          const text = textAt(childPath) ? writtenText(doc, pair.value) : undefined;
          if (text !== undefined) record[key] = text;
        } else walk(item, pair.value, childPath);
      }
    }
  };
  walk(data, doc.contents, []);
}

import { isMap, isScalar, isSeq, type LineCounter, type Node, stringify, type YAMLSeq } from 'yaml';
import { loadYaml } from './load-yaml.ts';
import { JobSchema, StageSchema } from './schema.ts';

/**
 * Canvas operations applied to the YAML text itself. Each edit touches only the lines of
 * the item it adds, removes or moves, so comments, key order and formatting everywhere
 * else stay byte for byte. They work on block sequences (the usual style); on anything
 * else they throw EditError and the caller keeps the text unchanged.
 */
export class EditError extends Error {
  override name = 'EditError';
}

/** Keys and list indexes from the document's root, as the `yaml` library's getIn takes them. */
export type EditPath = (string | number)[];
type Path = EditPath;

interface SeqLayout {
  lines: string[];
  /** Line index (0-based) where each item starts (its "- " line) and where it ends (inclusive). */
  items: { start: number; end: number }[];
  /** Column of the "-" of the items. */
  dashColumn: number;
}

function load(text: string) {
  const { doc, lineCounter, errors } = loadYaml(text);
  const first = errors[0];
  if (!doc || first)
    throw new EditError(
      `the YAML does not parse: ${first ? `${first.line}:${first.column} ${first.message}` : ''}`,
    );
  return { doc, lineCounter };
}

function lineOf(lineCounter: LineCounter, offset: number): number {
  return lineCounter.linePos(offset).line - 1;
}

/** Where each item of the block sequence at `path` sits in the text. */
function layout(text: string, path: Path): SeqLayout {
  const { doc, lineCounter } = load(text);
  const seq = doc.getIn(path, true) as Node | undefined;
  if (!isSeq(seq)) throw new EditError(`${path.join('.')} is not a list`);
  if ((seq as YAMLSeq).flow)
    throw new EditError(`${path.join('.')} is written inline; edit it in the YAML view`);
  const lines = text.split('\n');
  const starts = seq.items.map((item) => {
    const node = item as Node;
    if (!node.range) throw new EditError('list item without a position');
    return lineOf(lineCounter, node.range[0]);
  });
  const seqEnd = seq.range ? lineOf(lineCounter, Math.max(seq.range[1] - 1, seq.range[0])) : lines.length - 1;
  const firstLine = lines[starts[0] ?? 0] ?? '';
  const dashColumn = starts.length > 0 ? firstLine.indexOf('-') : 0;
  // Comments at the items' own indentation (and blank lines) above an item belong to it:
  // they move and disappear with it. Deeper comments stay with the item before.
  const ownsLine = (line: string | undefined) =>
    line !== undefined && (/^\s*$/.test(line) || new RegExp(`^ {${dashColumn}}#`).test(line));
  const blockStarts = starts.map((start) => {
    let first = start;
    while (first > 0 && ownsLine(lines[first - 1])) first--;
    return first;
  });
  const items = starts.map((start, i) => {
    const next = blockStarts[i + 1];
    return { start: blockStarts[i] ?? start, end: next !== undefined ? next - 1 : seqEnd };
  });
  return { lines, items, dashColumn };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value`'s keys in the order `keys` lists them; keys it does not list keep their order, after. */
function inOrder(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const rank = (key: string) => {
    const at = keys.indexOf(key);
    return at === -1 ? keys.length : at;
  };
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)));
}

// The order people write a stage's, job's and step's keys in: `name` first, then the
// schema's order (a job's `steps` and a stage's `jobs` last but for the gate).
const STAGE_KEYS = Object.keys(StageSchema.shape);
const JOB_KEYS = Object.keys(JobSchema.shape);
const STEP_KEYS = ['name'];

/**
 * A new stage, job or step (by the list it goes into) with its keys, and those of the jobs
 * and steps inside it, in the conventional order, whatever order the caller built it in.
 */
function conventional(list: string | number | undefined, value: unknown): unknown {
  if (!isRecord(value)) return value;
  if (list === 'steps') return inOrder(value, STEP_KEYS);
  if (list === 'jobs') {
    const job = inOrder(value, JOB_KEYS);
    return Array.isArray(job.steps) ? { ...job, steps: job.steps.map((s) => conventional('steps', s)) } : job;
  }
  if (list === 'stages') {
    const stage = inOrder(value, STAGE_KEYS);
    return Array.isArray(stage.jobs)
      ? { ...stage, jobs: stage.jobs.map((j) => conventional('jobs', j)) }
      : stage;
  }
  return value;
}

/** A value serialised as one list item, indented to sit at `dashColumn`. */
function itemText(value: unknown, dashColumn: number): string[] {
  const yaml = stringify([value], { indent: 2, lineWidth: 0 }).replace(/\n$/, '');
  const pad = ' '.repeat(dashColumn);
  return yaml.split('\n').map((line) => (line ? pad + line : line));
}

/** Appends (or inserts at `position`) an item to the block list at `path`. */
export function insertItem(text: string, path: Path, value: unknown, position?: number): string {
  const { lines, items, dashColumn } = layout(text, path);
  if (items.length === 0)
    throw new EditError(`${path.join('.')} is empty; add the first item in the YAML view`);
  const at = position === undefined || position >= items.length ? items.length : Math.max(0, position);
  const insertLine = at === items.length ? (items[items.length - 1]?.end ?? 0) + 1 : (items[at]?.start ?? 0);
  const item = itemText(conventional(path.at(-1), value), dashColumn);
  return [...lines.slice(0, insertLine), ...item, ...lines.slice(insertLine)].join('\n');
}

export function removeItem(text: string, path: Path, index: number): string {
  const { lines, items } = layout(text, path);
  const item = items[index];
  if (!item) throw new EditError(`${path.join('.')} has no item ${index}`);
  if (items.length === 1) throw new EditError(`${path.join('.')} needs at least one item`);
  return [...lines.slice(0, item.start), ...lines.slice(item.end + 1)].join('\n');
}

/** Moves an item within its list; its lines travel unchanged (comments included). */
export function moveItem(text: string, path: Path, from: number, to: number): string {
  const { lines, items } = layout(text, path);
  const item = items[from];
  if (!item || to < 0 || to >= items.length)
    throw new EditError(`cannot move item ${from} to ${to} in ${path.join('.')}`);
  if (from === to) return text;
  const block = lines.slice(item.start, item.end + 1);
  const without = [...lines.slice(0, item.start), ...lines.slice(item.end + 1)];
  const shift = item.end - item.start + 1;
  const target = items[to];
  if (!target) return text;
  const insertLine = to > from ? target.end + 1 - shift : target.start;
  return [...without.slice(0, insertLine), ...block, ...without.slice(insertLine)].join('\n');
}

/** The last line (0-based) a node's text reaches. */
function lastLineOf(lineCounter: LineCounter, node: Node): number {
  const [start, end] = node.range ?? [0, 0];
  return lineOf(lineCounter, Math.max(end - 1, start));
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isCollection = (value: unknown) => typeof value === 'object' && value !== null;

function renderInline(value: unknown): string {
  return stringify(value, { lineWidth: 0, collectionStyle: 'flow' }).replace(/\n$/, '');
}

/** `key: value` as block YAML: the first line after `prefix`, the others indented to `column`. */
function renderPair(key: string, value: unknown, prefix: string, column: number): string[] {
  const yaml = stringify({ [key]: value }, { indent: 2, lineWidth: 0 }).replace(/\n$/, '');
  return yaml
    .split('\n')
    .map((line, i) => (i === 0 ? prefix + line : line ? ' '.repeat(column) + line : line));
}

/**
 * Sets the value at `path` (a scalar, a list or a map), or removes it with `undefined`,
 * touching only the lines of that value: a one-line value is replaced in place (its
 * line's comment stays), a longer one has its lines replaced, a new key becomes the last
 * lines of its map, missing parent maps are created, and a map left empty by a removal
 * goes with it. Inline (flow) maps are rewritten inline.
 */
export function setIn(text: string, path: Path, value: unknown): string {
  const key = path[path.length - 1];
  if (typeof key !== 'string') throw new EditError('a field name is needed at the end of the path');
  const parentPath = path.slice(0, -1);
  const { doc, lineCounter } = load(text);
  const parent = doc.getIn(parentPath, true) as Node | null | undefined;

  if (!isMap(parent)) {
    if (value === undefined) return text;
    const emptyValue = parent === undefined || parent === null || (isScalar(parent) && parent.value === null);
    if (!emptyValue || parentPath.length === 0)
      throw new EditError(`${parentPath.join('.') || 'the document'} is not a mapping`);
    return setIn(text, parentPath, { [key]: value });
  }

  if (parent.flow) {
    if (!parent.range) throw new EditError(`${parentPath.join('.')} has no position`);
    const next = { ...((parent.toJSON() ?? {}) as Record<string, unknown>) };
    if (value === undefined) delete next[key];
    else next[key] = value;
    return text.slice(0, parent.range[0]) + renderInline(next) + text.slice(parent.range[1]);
  }

  const lines = text.split('\n');
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (!pair) {
    if (value === undefined) return text;
    const first = parent.items[0]?.key as Node | undefined;
    if (!first?.range || !parent.range) throw new EditError(`${parentPath.join('.')} is empty`);
    const column = lineCounter.linePos(first.range[0]).col - 1;
    let insertAt = lastLineOf(lineCounter, parent) + 1;
    // Blank lines and shallower comments at the end belong to what follows the map.
    while (insertAt > 0) {
      const line = lines[insertAt - 1] ?? '';
      if (!(/^\s*$/.test(line) || (/^\s*#/.test(line) && indentOf(line) < column))) break;
      insertAt--;
    }
    return [
      ...lines.slice(0, insertAt),
      ...renderPair(key, value, ' '.repeat(column), column),
      ...lines.slice(insertAt),
    ].join('\n');
  }

  const keyNode = pair.key as Node;
  const keyStart = keyNode.range?.[0] ?? 0;
  const keyLine = lineOf(lineCounter, keyStart);
  const column = lineCounter.linePos(keyStart).col - 1;
  const prefix = (lines[keyLine] ?? '').slice(0, column);
  const valueNode = (pair.value ?? null) as Node | null;
  const lastLine = valueNode?.range ? lastLineOf(lineCounter, valueNode) : keyLine;

  if (value === undefined) {
    if (prefix.trim() !== '') throw new EditError(`${key} starts a list item; remove the whole item instead`);
    // A map left without keys would read as null: remove its own key too.
    if (parent.items.length === 1 && typeof parentPath[parentPath.length - 1] === 'string')
      return setIn(text, parentPath, undefined);
    return [...lines.slice(0, keyLine), ...lines.slice(lastLine + 1)].join('\n');
  }

  if (isScalar(valueNode) && !isCollection(value) && valueNode.value === value) return text;
  const blockScalar =
    isScalar(valueNode) && (valueNode.type === 'BLOCK_LITERAL' || valueNode.type === 'BLOCK_FOLDED');
  if (valueNode?.range && lastLine === keyLine && !blockScalar) {
    const rendered = renderInline(value);
    if (!rendered.includes('\n'))
      return text.slice(0, valueNode.range[0]) + rendered + text.slice(valueNode.range[1]);
  }
  const replacement = renderPair(key, value, prefix, column);
  // A comment after a block value's key (`env: # why`) stays on that line.
  const keyComment = /\s#.*$/.exec((lines[keyLine] ?? '').slice(column + key.length))?.[0];
  if (keyComment && lastLine > keyLine && replacement[0] === `${prefix}${key}:`) replacement[0] += keyComment;
  return [...lines.slice(0, keyLine), ...replacement, ...lines.slice(lastLine + 1)].join('\n');
}

/**
 * Sets (or removes, with `undefined`) one scalar field of the map at `path`: the value is
 * replaced in place, a new key is added as the map's last line, a removed key loses its line.
 */
export function setField(
  text: string,
  path: Path,
  key: string,
  value: string | number | boolean | undefined,
): string {
  return setIn(text, [...path, key], value);
}

/**
 * Moves an item from one block list to another (a job to another stage): its lines travel
 * unchanged but for their indentation, which follows the destination list's.
 */
export function moveItemTo(text: string, from: Path, index: number, to: Path, position?: number): string {
  const source = layout(text, from);
  const target = layout(text, to);
  const item = source.items[index];
  if (!item) throw new EditError(`${from.join('.')} has no item ${index}`);
  if (source.items.length === 1) throw new EditError(`${from.join('.')} needs at least one item`);
  if (target.items.length === 0)
    throw new EditError(`${to.join('.')} is empty; add the first item in the YAML view`);
  const at =
    position === undefined || position >= target.items.length ? target.items.length : Math.max(0, position);
  const insertLine =
    at === target.items.length
      ? (target.items[target.items.length - 1]?.end ?? 0) + 1
      : (target.items[at]?.start ?? 0);
  if (insertLine > item.start && insertLine <= item.end)
    throw new EditError('cannot move an item into itself');
  const shift = target.dashColumn - source.dashColumn;
  const { lines } = source;
  const block = lines.slice(item.start, item.end + 1).map((line) => {
    if (line.trim() === '' || shift === 0) return line;
    if (shift > 0) return ' '.repeat(shift) + line;
    if (indentOf(line) < -shift) throw new EditError('the item is indented too little to move there');
    return line.slice(-shift);
  });
  if (insertLine <= item.start)
    return [
      ...lines.slice(0, insertLine),
      ...block,
      ...lines.slice(insertLine, item.start),
      ...lines.slice(item.end + 1),
    ].join('\n');
  return [
    ...lines.slice(0, item.start),
    ...lines.slice(item.end + 1, insertLine),
    ...block,
    ...lines.slice(insertLine),
  ].join('\n');
}

/**
 * Sets a value of the deploy step at `stepPath` (`['deploy', 'image']`), or removes it with
 * `undefined`. Setting `manifests` removes `path` and the other way round in the same edit:
 * a deploy step takes exactly one of them, so switching one for the other never passes
 * through a spec that does not validate (where the canvas would turn read-only).
 */
export function setDeployValue(text: string, stepPath: Path, path: Path, value: unknown): string {
  const next = setIn(text, [...stepPath, ...path], value);
  const key = path.length === 2 && path[0] === 'deploy' ? path[1] : undefined;
  const other = key === 'manifests' ? 'path' : key === 'path' ? 'manifests' : undefined;
  return other && value !== undefined ? setIn(next, [...stepPath, 'deploy', other], undefined) : next;
}

// The canvas's vocabulary on top of the generic edits.
export const canvasEdits = {
  addStage: (text: string, stage: unknown, position?: number) =>
    insertItem(text, ['stages'], stage, position),
  removeStage: (text: string, stage: number) => removeItem(text, ['stages'], stage),
  moveStage: (text: string, from: number, to: number) => moveItem(text, ['stages'], from, to),
  addJob: (text: string, stage: number, job: unknown) => insertItem(text, ['stages', stage, 'jobs'], job),
  removeJob: (text: string, stage: number, job: number) => removeItem(text, ['stages', stage, 'jobs'], job),
  moveJob: (text: string, stage: number, from: number, to: number) =>
    moveItem(text, ['stages', stage, 'jobs'], from, to),
  addStep: (text: string, stage: number, job: number, step: unknown, position?: number) =>
    insertItem(text, ['stages', stage, 'jobs', job, 'steps'], step, position),
  removeStep: (text: string, stage: number, job: number, step: number) =>
    removeItem(text, ['stages', stage, 'jobs', job, 'steps'], step),
  moveStep: (text: string, stage: number, job: number, from: number, to: number) =>
    moveItem(text, ['stages', stage, 'jobs', job, 'steps'], from, to),
  moveJobToStage: (text: string, fromStage: number, job: number, toStage: number, position?: number) =>
    moveItemTo(text, ['stages', fromStage, 'jobs'], job, ['stages', toStage, 'jobs'], position),
  setJobField: (
    text: string,
    stage: number,
    job: number,
    key: 'image' | 'timeout' | 'retries' | 'name',
    value: string | number | undefined,
  ) => setField(text, ['stages', stage, 'jobs', job], key, value),
  /** Any value of a job, by its path inside the job: ['env', 'FOO'], ['when', 'branch'], ['credentials']. */
  setJobValue: (text: string, stage: number, job: number, path: Path, value: unknown) =>
    setIn(text, ['stages', stage, 'jobs', job, ...path], value),
  setStageValue: (text: string, stage: number, path: Path, value: unknown) =>
    setIn(text, ['stages', stage, ...path], value),
  setStepValue: (text: string, stage: number, job: number, step: number, path: Path, value: unknown) =>
    setIn(text, ['stages', stage, 'jobs', job, 'steps', step, ...path], value),
  /** A deploy step's value; `manifests` and `path` replace each other (see setDeployValue). */
  setDeployValue: (text: string, stage: number, job: number, step: number, path: Path, value: unknown) =>
    setDeployValue(text, ['stages', stage, 'jobs', job, 'steps', step], path, value),
};

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify, type YAMLSeq } from 'yaml';

/**
 * Canvas operations applied to the YAML text itself. Each edit touches only the lines of
 * the item it adds, removes or moves, so comments, key order and formatting everywhere
 * else stay byte for byte. They work on block sequences (the usual style); on anything
 * else they throw EditError and the caller keeps the text unchanged.
 */
export class EditError extends Error {
  override name = 'EditError';
}

type Path = (string | number)[];

interface SeqLayout {
  lines: string[];
  /** Line index (0-based) where each item starts (its "- " line) and where it ends (inclusive). */
  items: { start: number; end: number }[];
  /** Column of the "-" of the items. */
  dashColumn: number;
}

function load(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) throw new EditError(`the YAML does not parse: ${doc.errors[0]?.message ?? ''}`);
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
  return [...lines.slice(0, insertLine), ...itemText(value, dashColumn), ...lines.slice(insertLine)].join(
    '\n',
  );
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
  const { doc, lineCounter } = load(text);
  const map = doc.getIn(path, true) as Node | undefined;
  if (!isMap(map) || map.flow) throw new EditError(`${path.join('.')} is not a block mapping`);
  const lines = text.split('\n');
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  const rendered = value === undefined ? '' : stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  if (pair) {
    const keyNode = pair.key as Node;
    const valueNode = pair.value as Node | null;
    if (valueNode && !isScalar(valueNode)) throw new EditError(`${key} is not a single value`);
    const line = lineOf(lineCounter, keyNode.range?.[0] ?? 0);
    if (value === undefined) return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    if (!valueNode?.range) {
      lines[line] = `${lines[line]} ${rendered}`;
      return lines.join('\n');
    }
    const start = valueNode.range[0];
    const end = valueNode.range[1];
    return text.slice(0, start) + rendered + text.slice(end);
  }
  if (value === undefined) return text;
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range || !map.range) throw new EditError(`${path.join('.')} is empty`);
  const column = lineCounter.linePos(first.range[0]).col - 1;
  const lastLine = lineOf(lineCounter, Math.max(map.range[1] - 1, map.range[0]));
  let insertAt = lastLine + 1;
  while (insertAt > 0 && /^\s*$/.test(lines[insertAt - 1] ?? '')) insertAt--;
  return [
    ...lines.slice(0, insertAt),
    `${' '.repeat(column)}${key}: ${rendered}`,
    ...lines.slice(insertAt),
  ].join('\n');
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
  setJobField: (
    text: string,
    stage: number,
    job: number,
    key: 'image' | 'timeout' | 'retries' | 'name',
    value: string | number | undefined,
  ) => setField(text, ['stages', stage, 'jobs', job], key, value),
};

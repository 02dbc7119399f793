import { formatPath, keyText, loadYamlDocuments } from '@slipway/pipeline';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';

/** One step of a field path: a map key, a list index, or a list item picked by its key fields. */
type Segment = { key: string } | { index: number } | { match: Array<[string, string]> };

/**
 * Where a field of an object is written. The object starts at `at` (1-based line and column
 * of a `ManifestObject`) in `files[at.file]`; `path` is a field path as Kubernetes names it
 * in a Status cause: `spec.template.spec.containers[0].image` (validation), or
 * `.spec.template.spec.containers[name="web"].env[name="GREETING"].value` (server-side
 * apply, which picks list items by their merge keys). Returns the position of the deepest
 * part of the path found (a map key, a list item) and the path in index form
 * (`spec.template.spec.containers[0].env[0].value`) as far as it was found; undefined when
 * the object is not there. Keys holding dots (annotations) are matched by joining segments.
 */
export function fieldPosition(
  files: Readonly<Record<string, string>>,
  at: { file: string; line: number; column: number },
  path: string,
): { line: number; column: number; path: string } | undefined {
  const text = files[at.file];
  if (text === undefined) return undefined;
  for (const { doc, lineCounter } of loadYamlDocuments(text)) {
    const start = doc?.contents?.range[0];
    if (start === undefined) continue;
    const position = lineCounter.linePos(start);
    if (position.line !== at.line || position.col !== at.column) continue;
    let node: unknown = doc?.contents;
    let found = start;
    const walked: (string | number)[] = [];
    const segments = segmentsOf(path);
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as Segment;
      const current = node;
      if (isSeq(current) && !('key' in segment)) {
        const index =
          'index' in segment
            ? segment.index
            : current.items.findIndex((item) => matches(item, segment.match));
        const item = current.items[index] as Node | undefined;
        if (!item) break;
        node = item;
        found = item.range?.[0] ?? found;
        walked.push(index);
        continue;
      }
      if (!isMap(current) || !('key' in segment)) break;
      // The key may itself hold dots: try the longest run of key segments first.
      const matched = longestKey(current, segments, i);
      if (!matched) break;
      found = (matched.pair.key as Node | null)?.range?.[0] ?? found;
      node = matched.pair.value;
      walked.push(matched.key);
      i = matched.end - 1;
    }
    const { line, col } = lineCounter.linePos(found);
    return { line, column: col, path: formatPath(walked) };
  }
  return undefined;
}

function longestKey(map: YAMLMap, segments: readonly Segment[], from: number) {
  let end = from;
  while (end < segments.length && 'key' in (segments[end] as Segment)) end++;
  for (; end > from; end--) {
    const key = segments
      .slice(from, end)
      .map((segment) => ('key' in segment ? segment.key : ''))
      .join('.');
    const pair = map.items.find((p) => keyText(p.key) === key);
    if (pair) return { pair, key, end };
  }
  return undefined;
}

/** Whether a list item is a map holding every `field=value` of a server-side apply selector. */
function matches(item: unknown, match: ReadonlyArray<[string, string]>): boolean {
  if (!isMap(item)) return false;
  return match.every(([field, value]) => {
    const pair = item.items.find((p) => keyText(p.key) === field);
    return isScalar(pair?.value) && String(pair.value.value) === value;
  });
}

/**
 * `.spec.containers[0].image` → key spec, key containers, index 0, key image;
 * `ports[containerPort=80,protocol="TCP"]` → key ports, match containerPort 80 and protocol TCP.
 */
function segmentsOf(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\[((?:[^\]"]|"(?:[^"\\]|\\.)*")*)\]/g)) {
    if (match[1] !== undefined) segments.push({ key: match[1] });
    else if (match[2] !== undefined) segments.push({ index: Number(match[2]) });
    else segments.push({ match: selectorOf(match[3] ?? '') });
  }
  return segments;
}

/** `name="web",port=80` → [['name', 'web'], ['port', '80']]. */
function selectorOf(text: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const match of text.matchAll(/([^=,]+)=("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = match[2] ?? '';
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = String(JSON.parse(raw));
      } catch {
        value = raw.slice(1, -1);
      }
    }
    fields.push([(match[1] ?? '').trim(), value]);
  }
  return fields;
}

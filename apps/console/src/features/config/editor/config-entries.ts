import { type ConfigData, type ConfigEntryChange, ConfigKeySchema } from '@slipway/contracts';

/** One row of the key/value editor; `id` keeps a row's identity while its key is edited. */
export interface ConfigRow {
  id: number;
  key: string;
  value: string;
}

let nextRowId = 1;

/** A new row with a fresh id. */
export function newRow(key = '', value = ''): ConfigRow {
  return { id: nextRowId++, key, value };
}

/** The rows of a version's entries, in key order (as the API stores them). */
export function rowsOf(data: Readonly<ConfigData>): ConfigRow[] {
  return Object.keys(data)
    .sort()
    .map((key) => newRow(key, data[key] ?? ''));
}

/**
 * The entries the rows describe, or the problems found in them by row id: an empty key, a
 * key Kubernetes refuses in a ConfigMap (`ConfigKeySchema`, the API's own rule) or a key
 * given twice. A row with neither key nor value is ignored (a fresh, unused row).
 */
export function entriesOf(rows: readonly ConfigRow[]): { data: ConfigData; problems: Map<number, string> } {
  const data: ConfigData = {};
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.value === '') continue;
    if (key === '') {
      problems.set(row.id, 'a key is needed');
      continue;
    }
    const checked = ConfigKeySchema.safeParse(key);
    if (!checked.success) {
      problems.set(row.id, `key ${checked.error.issues[0]?.message ?? 'is not valid'}`);
      continue;
    }
    if (seen.has(key)) {
      problems.set(row.id, `the key ${key} is given twice`);
      continue;
    }
    seen.add(key);
    data[key] = row.value;
  }
  return { data, problems };
}

/**
 * Key by key changes from `before` to `after`, sorted by key: the same shape (and rules) as
 * the API's `configEndpoints.diff`, so a review before saving reads like a diff of versions.
 */
export function diffEntries(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): ConfigEntryChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.map((key) => {
    const old = Object.hasOwn(before, key) ? (before[key] ?? null) : null;
    const next = Object.hasOwn(after, key) ? (after[key] ?? null) : null;
    const change =
      old === null ? 'added' : next === null ? 'removed' : old === next ? 'unchanged' : 'changed';
    return { key, change, old, new: next };
  });
}

/** Whether a diff changes anything (a save of an unchanged version would add nothing). */
export function hasChanges(entries: readonly ConfigEntryChange[]): boolean {
  return entries.some((entry) => entry.change !== 'unchanged');
}

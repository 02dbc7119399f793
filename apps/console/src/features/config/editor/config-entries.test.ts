import { describe, expect, it } from 'vitest';
import { diffEntries, entriesOf, hasChanges, newRow, rowsOf } from './config-entries.ts';
import { isMultiLine, sideBySide } from './line-diff.ts';

describe('config rows', () => {
  it('turns a version into rows in key order and back', () => {
    const rows = rowsOf({ 'b.yml': 'x: 1\n', a: '2' });
    expect(rows.map((row) => row.key)).toEqual(['a', 'b.yml']);
    expect(entriesOf(rows)).toEqual({ data: { a: '2', 'b.yml': 'x: 1\n' }, problems: new Map() });
  });

  it('names the row of an empty, invalid or repeated key and skips blank rows', () => {
    const rows = [
      newRow('LOG', 'debug'),
      newRow('', 'orphan'),
      newRow('no spaces', 'x'),
      newRow('LOG', 'info'),
    ];
    rows.push(newRow());
    const { data, problems } = entriesOf(rows);
    expect(data).toEqual({ LOG: 'debug' });
    expect([...problems.entries()]).toEqual([
      [rows[1]?.id, 'a key is needed'],
      [rows[2]?.id, 'key must consist of letters, digits, "-", "_" or "."'],
      [rows[3]?.id, 'the key LOG is given twice'],
    ]);
  });
});

describe('config diff', () => {
  it('lists each key as added, removed, changed or unchanged, in key order', () => {
    expect(diffEntries({ a: '1', b: '2', c: '3' }, { a: '1', b: '20', d: '4' })).toEqual([
      { key: 'a', change: 'unchanged', old: '1', new: '1' },
      { key: 'b', change: 'changed', old: '2', new: '20' },
      { key: 'c', change: 'removed', old: '3', new: null },
      { key: 'd', change: 'added', old: null, new: '4' },
    ]);
    expect(hasChanges(diffEntries({ a: '1' }, { a: '1' }))).toBe(false);
    expect(hasChanges(diffEntries({ a: '1' }, { a: '' }))).toBe(true);
  });

  it('pairs replaced lines side by side and keeps equal lines facing each other', () => {
    const before = 'server:\n  port: 8080\nlogging: info\n';
    const after = 'server:\n  port: 9090\n  host: 0.0.0.0\nlogging: info\n';
    expect(sideBySide(before, after)).toEqual([
      {
        old: { number: 1, text: 'server:', kind: 'same' },
        new: { number: 1, text: 'server:', kind: 'same' },
      },
      {
        old: { number: 2, text: '  port: 8080', kind: 'removed' },
        new: { number: 2, text: '  port: 9090', kind: 'added' },
      },
      { old: null, new: { number: 3, text: '  host: 0.0.0.0', kind: 'added' } },
      {
        old: { number: 3, text: 'logging: info', kind: 'same' },
        new: { number: 4, text: 'logging: info', kind: 'same' },
      },
    ]);
    expect(isMultiLine('a', null)).toBe(false);
    expect(isMultiLine('a', 'b\nc')).toBe(true);
  });
});

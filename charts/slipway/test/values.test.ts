// values.schema.json never drifts from values.yaml, and the README's "Chart values" table is
// the one generated from them.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { README, readmeWithTable, readSchema, readValues, schemaDrift } from './values-table.ts';

describe('chart values', () => {
  test('every values.yaml key is described in values.schema.json and vice versa (closed objects)', () => {
    expect(schemaDrift(readValues(), readSchema())).toEqual([]);
  });

  test('the drift check names a key missing on either side and an open object', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        kept: { type: 'string', description: 'x' },
        onlyInSchema: { type: 'string', description: 'y' },
        nested: { type: 'object', description: 'z', properties: { a: { type: 'integer' } } },
      },
    };
    expect(schemaDrift({ kept: '', onlyInValues: 1, nested: { a: 1 } }, schema)).toEqual([
      'onlyInValues: in values.yaml but not in values.schema.json',
      'onlyInSchema: in values.schema.json but not in values.yaml',
      'nested.: the schema must set additionalProperties: false',
      'nested.a: no description',
    ]);
  });

  test('the README\'s "Chart values" table is up to date (pnpm run chart:docs)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readmeWithTable(readme)).toBe(readme);
  });
});

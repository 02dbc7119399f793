import { pipelineJsonSchema } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import { type JsonSchema, schemaAt } from '../../schema/json-schema.ts';
import { checkMapKey, fieldKind, formFields, parseInput, parseMapValue } from './schema-form.ts';

const job = schemaAt(pipelineJsonSchema() as JsonSchema, ['stages', 'jobs']) ?? {};
const field = (key: string) => job.properties?.[key] ?? {};

describe('forms generated from the job schema', () => {
  it('has a field per property, steps left to the canvas, each with an input fitting its type', () => {
    const fields = formFields(job, ['steps']);
    expect(fields.map((f) => f.key)).toEqual([
      'name',
      'image',
      'when',
      'timeout',
      'retries',
      'resources',
      'env',
      'credentials',
      'manual',
      'artifacts',
      'reports',
      'cache',
    ]);
    expect(fields.find((f) => f.key === 'name')?.required).toBe(true);
    expect(fields.map((f) => fieldKind(f.schema, undefined))).toEqual([
      'text',
      'text',
      'object',
      'text',
      'number',
      'object',
      'map',
      'list',
      'boolean',
      'object',
      'object',
      'object',
    ]);
    const junit = schemaAt(pipelineJsonSchema() as JsonSchema, ['stages', 'jobs', 'reports', 'junit']) ?? {};
    expect(fieldKind(junit, 'reports/*.xml')).toBe('list');
    expect(parseInput('list', junit, 'a.xml, b/*.xml', true)).toEqual({
      ok: true,
      value: ['a.xml', 'b/*.xml'],
    });
    expect(fieldKind(field('image'), 'a\nb')).toBe('multiline');
  });

  it('checks typed values against the schema before they are written', () => {
    expect(parseInput('text', field('timeout'), '30m', false)).toEqual({ ok: true, value: '30m' });
    expect(parseInput('text', field('timeout'), 'soon', false)).toMatchObject({ ok: false });
    expect(parseInput('number', field('retries'), '20', false)).toEqual({
      ok: false,
      error: 'must be at most 10',
    });
    expect(parseInput('number', field('retries'), '1.5', false)).toEqual({
      ok: false,
      error: 'must be a whole number',
    });
    expect(parseInput('text', field('name'), ' ', true)).toEqual({ ok: false, error: 'is required' });
    expect(parseInput('text', field('image'), '', false)).toEqual({ ok: true, value: undefined });
  });

  it('reads lists comma-separated and checks each item', () => {
    expect(parseInput('list', field('credentials'), 'npm, harbor', false)).toEqual({
      ok: true,
      value: ['npm', 'harbor'],
    });
    expect(parseInput('list', field('credentials'), 'npm, 9lives', false)).toMatchObject({ ok: false });
  });

  it('reads map values as the value schema allows and checks new keys', () => {
    expect(parseMapValue(field('env'), 'yes')).toEqual({ ok: true, value: 'yes' });
    expect(parseMapValue(field('env'), '3')).toEqual({ ok: true, value: 3 });
    expect(parseMapValue(field('env'), 'true')).toEqual({ ok: true, value: true });
    expect(checkMapKey(field('env'), 'NODE_ENV')).toBeUndefined();
    expect(checkMapKey(field('env'), 'not valid')).toMatch(/must match/);
  });
});

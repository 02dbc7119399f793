import { type JsonSchema, valueSchemaOf, variantsOf } from '../../schema/json-schema.ts';

/** How a field of the schema is edited in a generated form. */
export type FieldKind =
  | 'text'
  | 'multiline'
  | 'number'
  | 'boolean'
  | 'choice'
  | 'list'
  | 'map'
  | 'object'
  | 'unsupported';

export interface FormField {
  key: string;
  schema: JsonSchema;
  required: boolean;
}

export type ParsedInput = { ok: true; value: unknown } | { ok: false; error: string };

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/** The JSON types a value may have, alternatives included. */
export function typesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  for (const variant of variantsOf(schema)) {
    const own = Array.isArray(variant.type) ? variant.type : variant.type ? [variant.type] : [];
    for (const type of own) types.add(type);
    if (variant.enum) for (const value of variant.enum) types.add(typeof value);
  }
  return types;
}

const isScalarSchema = (schema: JsonSchema) => {
  const types = typesOf(schema);
  return types.size > 0 && [...types].every((type) => SCALAR_TYPES.has(type));
};

/** The item schema of a list field (`credentials`, or `junit`: one glob or a list of them). */
const listItemsOf = (schema: JsonSchema): JsonSchema | undefined =>
  schema.items ?? variantsOf(schema).find((variant) => variant.items)?.items;

/** A list of scalars, or a scalar or such a list: both are edited as a comma-separated list. */
const isScalarListSchema = (schema: JsonSchema) => {
  const items = listItemsOf(schema);
  return (
    items !== undefined &&
    isScalarSchema(items) &&
    variantsOf(schema).every((variant) => variant.items !== undefined || isScalarSchema(variant))
  );
};

/** The properties of an object schema, in the schema's order, minus those edited elsewhere. */
export function formFields(schema: JsonSchema, exclude: readonly string[] = []): FormField[] {
  return Object.entries(schema.properties ?? {})
    .filter(([key]) => !exclude.includes(key))
    .map(([key, child]) => ({ key, schema: child, required: schema.required?.includes(key) ?? false }));
}

export function fieldKind(schema: JsonSchema, value: unknown): FieldKind {
  if (schema.enum) return 'choice';
  const types = typesOf(schema);
  if (types.size === 1 && types.has('boolean')) return 'boolean';
  if (types.size > 0 && [...types].every((type) => type === 'number' || type === 'integer')) return 'number';
  if (isScalarSchema(schema)) return typeof value === 'string' && value.includes('\n') ? 'multiline' : 'text';
  if (types.has('array') && isScalarListSchema(schema)) return 'list';
  if (types.has('object')) {
    const values = valueSchemaOf(schema);
    if (values) return 'map';
    if (schema.properties) return 'object';
  }
  return 'unsupported';
}

/** A value as the form shows it in a text input. */
export function formatInput(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => formatInput(item)).join(', ');
  return String(value);
}

/** Reads typed text as the schema's type: "3" is a number where numbers are allowed, "true" a boolean. */
function coerce(schema: JsonSchema, raw: string): unknown {
  const types = typesOf(schema);
  if ((types.has('boolean') || types.size === 0) && (raw === 'true' || raw === 'false'))
    return raw === 'true';
  if ((types.has('number') || types.has('integer')) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (types.has('array') && /^\[.*\]$/.test(raw)) {
    const itemSchema = variantsOf(schema).find((variant) => variant.items)?.items ?? {};
    return raw
      .slice(1, -1)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => coerce(itemSchema, item));
  }
  return raw;
}

function checkValue(schema: JsonSchema, value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return 'must not be empty';
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      return `must be at most ${schema.maxLength} characters`;
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      return schema.description ? `does not fit: ${schema.description}` : `must match ${schema.pattern}`;
  }
  if (typeof value === 'number') {
    if (typesOf(schema).has('integer') && !typesOf(schema).has('number') && !Number.isInteger(value))
      return 'must be a whole number';
    if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
  }
  if (schema.enum && !schema.enum.includes(value)) return `must be one of ${schema.enum.join(', ')}`;
  return undefined;
}

/**
 * What typed text means for a field: the value to write (`undefined` removes the key) or
 * why it cannot be written. Checked against the field's schema before it reaches the YAML.
 */
export function parseInput(kind: FieldKind, schema: JsonSchema, raw: string, required: boolean): ParsedInput {
  const text = kind === 'multiline' ? raw : raw.trim();
  if (text === '') return required ? { ok: false, error: 'is required' } : { ok: true, value: undefined };
  if (kind === 'list') {
    const itemSchema = listItemsOf(schema) ?? {};
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => coerce(itemSchema, item));
    for (const item of items) {
      const problem = checkValue(itemSchema, item);
      if (problem) return { ok: false, error: `${formatInput(item)} ${problem}` };
    }
    return { ok: true, value: items };
  }
  let value: unknown = text;
  if (kind === 'number') {
    value = Number(text);
    if (Number.isNaN(value)) return { ok: false, error: 'must be a number' };
  } else if (kind === 'boolean') value = text === 'true';
  else if (kind === 'choice') value = schema.enum?.find((option) => String(option) === text) ?? text;
  else if (kind === 'text') value = coerce(schema, text);
  const problem = checkValue(schema, value);
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** For a map's value (env, when.parameters): typed text read as the value schema allows. */
export function parseMapValue(schema: JsonSchema, raw: string): ParsedInput {
  const values = valueSchemaOf(schema) ?? {};
  const text = raw.trim();
  const value = coerce(values, text);
  const problem = checkValue(values, value);
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** Whether a new key fits the map's key rule (env names are letters, digits and "_"). */
export function checkMapKey(schema: JsonSchema, key: string): string | undefined {
  if (key === '') return 'needs a name';
  const pattern = schema.propertyNames?.pattern;
  return pattern && !new RegExp(pattern).test(key) ? `the name must match ${pattern}` : undefined;
}

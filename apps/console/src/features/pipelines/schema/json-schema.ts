import { paths } from '../../../app/paths.ts';
/**
 * Reading the pipeline's JSON Schema (generated on the server from the zod schema): the
 * docs page, the editor's hover links and the canvas's property forms are all derived from
 * it, so a field added to the spec shows up everywhere without console changes.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
}

/** One documented field: `stages[].jobs[].timeout` and where its docs live. */
export interface SchemaField {
  /** Segments as written in YAML; `[]` marks a list item, `<name>` a key chosen by the author. */
  path: string;
  anchor: string;
  schema: JsonSchema;
  required: boolean;
  depth: number;
}

const ANY_KEY = '<name>';

export function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The sub-schemas a value may match: the schema itself, or each of its alternatives. */
export function variantsOf(schema: JsonSchema): JsonSchema[] {
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return alternatives.length > 0 ? alternatives : [schema];
}

/** Map-like objects (env, releaseTypes): keys chosen by the author, one schema for every value. */
export function valueSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  return isJsonSchema(schema.additionalProperties) && !schema.properties
    ? schema.additionalProperties
    : undefined;
}

function anchorOf(segments: readonly string[]): string {
  return segments.map((segment) => segment.replace(/\[\]$/, '').replace(ANY_KEY, '_')).join('.');
}

function displayPath(segments: readonly string[]): string {
  return segments.join('.');
}

/** Every field of the schema in document order, each with a stable anchor for links. */
export function schemaFields(root: JsonSchema): SchemaField[] {
  const fields = new Map<string, SchemaField>();
  const visit = (schema: JsonSchema, segments: string[]) => {
    for (const variant of variantsOf(schema)) {
      for (const [key, child] of Object.entries(variant.properties ?? {})) {
        const childSegments = [...segments, key];
        const anchor = anchorOf(childSegments);
        if (!fields.has(anchor))
          fields.set(anchor, {
            path: displayPath(childSegments),
            anchor,
            schema: child,
            required: variant.required?.includes(key) ?? false,
            depth: childSegments.length - 1,
          });
        descend(child, childSegments);
      }
    }
  };
  const descend = (schema: JsonSchema, segments: string[]) => {
    const last = segments.length - 1;
    for (const variant of variantsOf(schema)) {
      if (variant.items) {
        const itemSegments = segments.map((segment, i) => (i === last ? `${segment}[]` : segment));
        descend(variant.items, itemSegments);
      }
      const values = valueSchemaOf(variant);
      if (values && (values.properties || values.anyOf)) visit(values, [...segments, ANY_KEY]);
      if (variant.properties) visit(variant, segments);
    }
  };
  visit(root, []);
  return [...fields.values()];
}

export function docsLink(origin: string, anchor: string): string {
  return `${origin}${paths.pipelineSpecDocs(anchor)}`;
}

/**
 * A copy of the schema whose every field carries a `markdownDescription` ending in a link
 * to its entry on the docs page; monaco-yaml shows it in hovers and completion details.
 */
export function withDocLinks(root: JsonSchema, origin: string): JsonSchema {
  const annotate = (schema: JsonSchema, segments: string[], isField: boolean): JsonSchema => {
    const copy: JsonSchema = { ...schema };
    if (isField) {
      const link = `[${displayPath(segments)} in the pipeline reference](${docsLink(origin, anchorOf(segments))})`;
      copy.markdownDescription = schema.description ? `${schema.description}\n\n${link}` : link;
    }
    if (schema.properties)
      copy.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, child]) => [
          key,
          annotate(child, [...segments, key], true),
        ]),
      );
    if (schema.items) {
      const last = segments.length - 1;
      copy.items = annotate(
        schema.items,
        segments.map((segment, i) => (i === last ? `${segment}[]` : segment)),
        false,
      );
    }
    if (isJsonSchema(schema.additionalProperties) && !schema.properties)
      copy.additionalProperties = annotate(schema.additionalProperties, [...segments, ANY_KEY], true);
    if (schema.anyOf) copy.anyOf = schema.anyOf.map((variant) => annotate(variant, segments, false));
    if (schema.oneOf) copy.oneOf = schema.oneOf.map((variant) => annotate(variant, segments, false));
    return copy;
  };
  return annotate(root, [], false);
}

/** A short human description of what a value may be: `list of string`, `one of a, b`. */
export function typeLabel(schema: JsonSchema): string {
  if (schema.enum) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (alternatives.length > 0) return alternatives.map(typeLabel).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.includes('array')) return `list of ${schema.items ? typeLabel(schema.items) : 'values'}`;
  if (types.includes('object')) {
    const values = valueSchemaOf(schema);
    if (values) return `map of name → ${typeLabel(values)}`;
    return 'object';
  }
  return types.length > 0 ? types.join(' | ') : 'any';
}

/** The schema's constraints in words, for the docs page and form hints. */
export function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.pattern) out.push(`matches ${schema.pattern}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 1)
    out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined)
    out.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** The schema at a path of property names (`['stages', 'jobs']` walks into list items). */
export function schemaAt(root: JsonSchema, keys: readonly string[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = root;
  for (const key of keys) {
    if (!current) return undefined;
    const itemOrSelf: JsonSchema = current.items ?? current;
    current = variantsOf(itemOrSelf)
      .map((variant) => variant.properties?.[key])
      .find((found) => found !== undefined);
  }
  return current?.items ?? current;
}

// The API's operations as its OpenAPI document lists them, and valid-looking sample values
// built from their JSON Schemas: the bad-input test walks these, so a new route is covered
// without anyone adding it to a list.

/** A JSON Schema (draft 2020-12, as OpenAPI 3.1 and zod's `toJSONSchema` write it). */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  $ref?: string;
};

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  schema: JsonSchema;
}

interface OpenApiOperation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation: `path` is OpenAPI-style (`/api/v1/workspaces/{workspace}`). */
export interface Operation {
  operationId: string;
  method: string;
  path: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  /** The JSON request body's schema, when the operation takes one. */
  body: JsonSchema | undefined;
  /** Signed in by the session cookie (else public, or a credential of its own: a job token). */
  session: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({
        operationId: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path'),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query'),
        body: op.requestBody?.content['application/json']?.schema,
        session: (op.security ?? []).some((requirement) => 'session' in requirement),
      })),
  );
}

/** The operation's URL with each `{param}` replaced by `values[param]` (already URL-encoded). */
export function urlOf(operation: Operation, values: Record<string, string>): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');
}

// Candidates for strings with a pattern, tried in order: the first the pattern accepts wins.
const PATTERNED = [
  'sample',
  'a1',
  'main',
  'https://git.example.com/team/app.git',
  '0 3 * * *',
  'app.yaml',
  'ALL',
  'Sample1',
  'sample@example.com',
  '1.0',
  '1h',
];

function resolve(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  const ref = schema.$ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1];
  return ref ? resolve(doc.components?.schemas?.[ref] ?? {}, doc) : schema;
}

function sampleString(schema: JsonSchema): string {
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (schema.format === 'date-time') return '2030-01-01T00:00:00.000Z';
  if (schema.format === 'email') return 'sample@example.com';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/hook';
  const fits = (value: string) =>
    value.length >= (schema.minLength ?? 0) &&
    value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) &&
    (!schema.pattern || new RegExp(schema.pattern, 'u').test(value));
  return PATTERNED.find(fits) ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

/**
 * A value the schema accepts in shape (every property given, optional ones too, so that
 * every string field is present); values that must refer to existing objects or agree
 * with each other may still be refused by the server, which is fine for a bad-input test.
 */
export function sampleOf(input: JsonSchema, doc: OpenApiDocument, depth = 0): unknown {
  const schema = resolve(input, doc);
  if (depth > 12) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined && schema.type !== 'object') return schema.default;
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice) {
    // Prefer an object branch: it has the most fields to fill.
    const branch = choice.find((b) => resolve(b, doc).type === 'object') ?? choice[0] ?? {};
    return sampleOf(branch, doc, depth + 1);
  }
  if (schema.allOf) {
    return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, doc, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        value[name] = sampleOf(property, doc, depth + 1);
      }
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        value.key = sampleOf(schema.additionalProperties, doc, depth + 1);
      }
      return value;
    }
    case 'array':
      return [sampleOf(schema.items ?? {}, doc, depth + 1)];
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'sample';
  }
}

export type FieldPath = (string | number)[];

/** The paths of every string in a JSON value (object keys included as their own entry). */
export function stringLeaves(value: unknown, at: FieldPath = []): FieldPath[] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...at, index]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...at, key]));
  }
  return [];
}

/** A copy of `value` with the value at `path` replaced by `replace(old)`. */
export function replacedAt(value: unknown, path: FieldPath, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path as [string | number, ...FieldPath];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = replacedAt(copy[head], rest, replace);
  return copy;
}

/** The name the API gives a field in its error details: `body.stages[0].name`. */
export function fieldName(context: 'body' | 'query' | 'path', path: FieldPath): string {
  return context + path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
}

/**
 * Turns the OpenAPI v3 documents a Kubernetes API server publishes (`/openapi/v3/<group-version>`)
 * into one JSON Schema (draft-07) for YAML editors (monaco-yaml / yaml-language-server):
 *
 * - `definitions` holds every named schema of `components.schemas` (`io.k8s.api.apps.v1.Deployment`…),
 *   references rewritten from `#/components/schemas/X` to `#/definitions/X`;
 * - the top level is an `anyOf` with one branch per apiVersion + kind that can be applied (an
 *   object path with a `patch` operation), each the kind's own schema with `apiVersion` and `kind`
 *   narrowed to an `enum` of one value, so the editor picks the branch a document declares;
 * - descriptions stay (hover docs); OpenAPI-only keywords become their JSON Schema equivalents:
 *   `nullable` → a `null` type, `x-kubernetes-int-or-string` → integer or string; other
 *   `x-kubernetes-*` extensions and formats JSON Schema does not define are dropped;
 * - an object schema that lists its properties and does not keep unknown fields
 *   (`x-kubernetes-preserve-unknown-fields`) gets `additionalProperties: false`, so the editor
 *   flags an unknown field the way the API server's Strict field validation does.
 *
 * Pure: no I/O. Sources: Kubernetes API "OpenAPI v3" (KEP-2896), JSON Schema draft-07.
 */

/** A JSON Schema (draft-07) node. */
export type JsonSchema = { [keyword: string]: unknown };

/** The part of an OpenAPI v3 document this conversion reads. */
export interface OpenApiV3Document {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** One apiVersion + kind, as Kubernetes names them (`group` empty for the core group). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The converted schema: what the schema endpoints answer. */
export interface KubernetesJsonSchema {
  $schema: string;
  title: string;
  anyOf: JsonSchema[];
  definitions: Record<string, JsonSchema>;
}

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const REF_PREFIX = '#/components/schemas/';
const DEFINITIONS_PREFIX = '#/definitions/';
/** Formats JSON Schema draft-07 defines that appear in Kubernetes schemas; others (int32, byte, quantity…) are dropped. */
const STANDARD_FORMATS = new Set(['date-time', 'date', 'time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri']);

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One schema node of OpenAPI v3 as JSON Schema draft-07 (recursively). */
export function convertSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertSchema);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'properties' || keyword === 'definitions' || keyword === 'patternProperties') {
      // Maps of names to schemas: the names are data, not keywords.
      out[keyword] = isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convertSchema(schema)]))
        : value;
    } else if (keyword === '$ref' && typeof value === 'string') {
      out.$ref = value.startsWith(REF_PREFIX) ? DEFINITIONS_PREFIX + value.slice(REF_PREFIX.length) : value;
    } else if (keyword === 'format') {
      if (typeof value === 'string' && STANDARD_FORMATS.has(value)) out.format = value;
    } else if (keyword === 'nullable' || keyword === 'discriminator' || keyword === 'example') {
      // OpenAPI-only keywords; `nullable` is applied below.
    } else if (keyword.startsWith('x-')) {
      // Kubernetes extensions; the two with a meaning for validation are applied below.
    } else {
      out[keyword] = convertSchema(value);
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const keepsUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(out.properties) && out.additionalProperties === undefined && !keepsUnknown) {
    out.additionalProperties = false;
  }
  return out;
}

/** The apiVersion + kinds of a document that can be applied: object paths (`…/{name}`) with a `patch` operation. */
export function applicableKinds(document: OpenApiV3Document): GroupVersionKind[] {
  const found: GroupVersionKind[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.endsWith('/{name}')) continue;
    const patch = item.patch;
    if (!isObject(patch) || patch['x-kubernetes-action'] !== 'patch') continue;
    const gvk = patch['x-kubernetes-group-version-kind'];
    if (isObject(gvk) && typeof gvk.kind === 'string' && typeof gvk.version === 'string') {
      found.push({
        group: typeof gvk.group === 'string' ? gvk.group : '',
        version: gvk.version,
        kind: gvk.kind,
      });
    }
  }
  return found;
}

/** The name of the schema that declares this apiVersion + kind (`x-kubernetes-group-version-kind`). */
function schemaNamesByKind(schemas: Record<string, unknown>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    const declared = isObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(declared)) continue;
    for (const gvk of declared) {
      if (isObject(gvk) && typeof gvk.kind === 'string' && typeof gvk.version === 'string') {
        const group = typeof gvk.group === 'string' ? gvk.group : '';
        names.set(`${apiVersionOf({ group, version: gvk.version })} ${gvk.kind}`, name);
      }
    }
  }
  return names;
}

/** The kind's schema with `apiVersion` and `kind` narrowed to this one value each, both required. */
function kindBranch(definition: JsonSchema, apiVersion: string, kind: string): JsonSchema {
  const properties = isObject(definition.properties) ? definition.properties : {};
  const required = Array.isArray(definition.required) ? (definition.required as string[]) : [];
  return {
    ...definition,
    properties: {
      ...properties,
      apiVersion: { ...(isObject(properties.apiVersion) ? properties.apiVersion : {}), enum: [apiVersion] },
      kind: { ...(isObject(properties.kind) ? properties.kind : {}), enum: [kind] },
    },
    required: [...new Set([...required, 'apiVersion', 'kind'])],
  };
}

/** Every `#/definitions/X` reference inside a node. */
function refsIn(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) refsIn(item, into);
  else if (isObject(node)) {
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === '$ref' && typeof value === 'string' && value.startsWith(DEFINITIONS_PREFIX)) {
        into.add(value.slice(DEFINITIONS_PREFIX.length));
      } else refsIn(value, into);
    }
  }
  return into;
}

/** Only the definitions the branches reach, directly or through other definitions. */
function reachableDefinitions(
  branches: JsonSchema[],
  definitions: Record<string, JsonSchema>,
): Record<string, JsonSchema> {
  const pending = [...refsIn(branches, new Set())];
  const kept = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (kept.has(name) || !definitions[name]) continue;
    kept.add(name);
    pending.push(...refsIn(definitions[name], new Set()));
  }
  return Object.fromEntries([...kept].sort().map((name) => [name, definitions[name] as JsonSchema]));
}

/**
 * Builds the editor schema from the group-version documents of one cluster. `keep` narrows the
 * kinds (the built-in schema keeps the core ones); the definitions are then only those the kept
 * kinds reach. Branches are sorted by apiVersion then kind, so the output is stable.
 */
export function toKubernetesJsonSchema(
  documents: OpenApiV3Document[],
  options: { title: string; keep?: (gvk: GroupVersionKind) => boolean },
): KubernetesJsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const kinds = new Map<string, GroupVersionKind>();
  for (const document of documents) {
    const schemas = document.components?.schemas ?? {};
    for (const [name, schema] of Object.entries(schemas))
      definitions[name] = convertSchema(schema) as JsonSchema;
    for (const [key, name] of schemaNamesByKind(schemas)) names.set(key, name);
    for (const gvk of applicableKinds(document)) {
      if (!options.keep || options.keep(gvk)) kinds.set(`${apiVersionOf(gvk)} ${gvk.kind}`, gvk);
    }
  }
  const branches: JsonSchema[] = [];
  for (const key of [...kinds.keys()].sort()) {
    const gvk = kinds.get(key) as GroupVersionKind;
    const definition = definitions[names.get(key) ?? ''];
    if (definition) branches.push(kindBranch(definition, apiVersionOf(gvk), gvk.kind));
  }
  return {
    $schema: DRAFT_07,
    title: options.title,
    anyOf: branches,
    definitions: reachableDefinitions(branches, definitions),
  };
}

/** The group-version documents of an OpenAPI v3 index (`api/v1`, `apis/<group>/<version>`), not the group or discovery entries. */
export function isGroupVersionPath(path: string): boolean {
  return path === 'api/v1' || /^apis\/[^/]+\/[^/]+$/.test(path);
}

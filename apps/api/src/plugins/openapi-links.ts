// Post-processing of the generated OpenAPI document (see openapi.ts): every operation
// declares every status it can answer, and responses carry OpenAPI links from an object's
// creation (or a list of them) to the operations on that object, so a client or a
// stateful fuzzer can walk workspace → project → pipeline → run without guessing names.

/** A JSON Schema as it appears in the document (loosely typed: only a few keys are read). */
type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema };

interface MediaType {
  schema?: JsonSchema;
}
interface Response {
  description?: string;
  content?: Record<string, MediaType>;
  links?: Record<string, Link>;
}
interface Parameter {
  in: string;
  name: string;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  responses?: Record<string, Response>;
}

/** An OpenAPI 3.1 Link Object: which operation, with which parameters from this exchange. */
export interface Link {
  operationId: string;
  parameters: Record<string, string>;
  description?: string;
}

/** The part of the OpenAPI document this module reads and fills. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The body every error has (`ErrorBodySchema` of @slipway/contracts), for the 4XX/5XX
 * ranges of operations registered without them (hand-written routes).
 */
const ERROR_RESPONSE: Response = {
  description: 'An error: the error body every route answers with',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          statusCode: { type: 'integer' },
          error: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['requestId', 'statusCode', 'error', 'message'],
      } as JsonSchema,
    },
  },
};

function operationsOf(
  document: OpenApiDocument,
): Array<{ path: string; method: string; operation: Operation }> {
  return Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    METHODS.filter((method) => methods[method]).map((method) => ({
      path,
      method,
      operation: methods[method] as Operation,
    })),
  );
}

/**
 * Every operation declares a success and the error ranges: routes that write their own
 * response (streams, downloads: `registerStreamingEndpoint`) get `200`, and hand-written
 * routes without error responses get `4XX`/`5XX` with the error body. An undeclared status
 * is a broken contract for generated clients (and a Schemathesis `status_code_conformance`
 * failure, #17).
 */
export function completeResponses(document: OpenApiDocument): void {
  for (const { operation } of operationsOf(document)) {
    const responses = operation.responses ?? {};
    operation.responses = responses;
    const statuses = Object.keys(responses);
    if (!statuses.some((status) => /^[23]/.test(status))) {
      responses['200'] = { description: 'The response stream (its media type is in the summary)' };
    }
    for (const range of ['4XX', '5XX']) {
      if (!statuses.some((status) => status.toUpperCase() === range)) responses[range] = ERROR_RESPONSE;
    }
  }
}

/** Response fields that name an object in a path, in the order they are tried for a parameter. */
const NAMING_FIELDS = ['slug', 'name', 'number', 'id', 'username'];

function isScalar(schema: JsonSchema | undefined): boolean {
  const types = Array.isArray(schema?.type) ? schema?.type : [schema?.type];
  return types.some((type) => type === 'string' || type === 'integer');
}

/** The JSON pointer into `body` that names the object a path parameter refers to, if any. */
function fieldFor(parameter: string, body: JsonSchema | undefined, prefix: string): string | undefined {
  const properties = body?.properties ?? {};
  const field = [parameter, ...NAMING_FIELDS].find((name) => isScalar(properties[name]));
  return field ? `${prefix}/${field}` : undefined;
}

function successOf(operation: Operation): [string, Response] | undefined {
  return Object.entries(operation.responses ?? {}).find(([status]) => /^2\d\d$/.test(status));
}

function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
}

/**
 * Adds links to the success response of every POST that creates an object under a
 * collection path `P` (and of every GET listing `P` with `items`): to each operation whose
 * path is `P/{param}` or below it, with `{param}` taken from the created object (the first
 * of `param`, `slug`, `name`, `number`, `id`, `username` the body has) or from the list's
 * first item, and the parameters `P` itself has taken from the request. Links follow the
 * OpenAPI 3.1 Link Object (runtime expressions `$request.path.x`, `$response.body#/y`).
 */
export function addLinks(document: OpenApiDocument): void {
  const operations = operationsOf(document);
  for (const source of operations) {
    const isCreate = source.method === 'post';
    const isList = source.method === 'get';
    if (!isCreate && !isList) continue;
    const success = successOf(source.operation);
    const body = success?.[1].content?.['application/json']?.schema;
    if (!success || !body) continue;
    const itemSchema = isList ? body.properties?.items?.items : body;
    const prefix = isList ? '$response.body#/items/0' : '$response.body#';
    if (!itemSchema) continue;
    const sourceParams = pathParameters(source.path);
    const links: Record<string, Link> = {};
    for (const target of operations) {
      if (!target.operation.operationId || !target.path.startsWith(`${source.path}/{`)) continue;
      const param = target.path.slice(source.path.length + 2).match(/^(\w+)\}/)?.[1];
      if (!param) continue;
      const field = fieldFor(param, itemSchema, prefix);
      if (!field) continue;
      const parameters: Record<string, string> = { [`path.${param}`]: field };
      for (const name of sourceParams) parameters[`path.${name}`] = `$request.path.${name}`;
      links[target.operation.operationId] = { operationId: target.operation.operationId, parameters };
    }
    if (Object.keys(links).length > 0) success[1].links = { ...success[1].links, ...links };
  }
}

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
 * Then the links that rule cannot derive ({@link addRelatedLinks}).
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
  addRelatedLinks(document);
}

/**
 * A link the path rule of {@link addLinks} cannot derive: the target's path is not under the
 * source's collection (a webhook's receiver `/hooks/{id}`), or its parameter names an object
 * nested in the source's body (a run's job and step, a created user under `user`).
 * `parameters` maps the target's path parameters to runtime expressions; the target's other
 * path parameters are taken from the source's request path (`$request.path.<name>`).
 */
interface RelatedLink {
  from: string;
  status: string;
  to: readonly string[];
  parameters: Record<string, string>;
}

/** The run's first job and its first step, as a run body (`getRun`, `createRun`) lists them. */
const RUN_JOB = { job: '$response.body#/jobs/0/name' };
const RUN_STEP = { ...RUN_JOB, step: '$response.body#/jobs/0/steps/0/name' };

const RELATED_LINKS: readonly RelatedLink[] = [
  ...(
    [
      ['getRun', '200', {}],
      ['createRun', '201', { number: '$response.body#/number' }],
    ] as const
  ).flatMap(([from, status, run]) => [
    { from, status, to: ['getStepLog'], parameters: { ...run, ...RUN_STEP } },
    { from, status, to: ['playJob', 'downloadRunJobArtifacts'], parameters: { ...run, ...RUN_JOB } },
  ]),
  { from: 'createWebhook', status: '201', to: ['receiveWebhook'], parameters: { id: '$response.body#/id' } },
  { from: 'getWebhook', status: '200', to: ['receiveWebhook'], parameters: { id: '$response.body#/id' } },
  {
    from: 'listWebhooks',
    status: '200',
    to: ['receiveWebhook'],
    parameters: { id: '$response.body#/items/0/id' },
  },
  {
    from: 'createUser',
    status: '201',
    to: ['getUser', 'updateUser', 'deleteUser'],
    parameters: { username: '$response.body#/user/username' },
  },
];

/**
 * Adds the {@link RELATED_LINKS} to the document (OpenAPI 3.1 Link Objects, as
 * {@link addLinks}). An entry whose operations or status the document lacks (an app built
 * with some of the routes only) is left out; `openapi.int.test.ts` checks the whole server's
 * document has them all.
 */
export function addRelatedLinks(document: OpenApiDocument): void {
  const byId = new Map(operationsOf(document).map((entry) => [entry.operation.operationId, entry] as const));
  for (const { from, status, to, parameters } of RELATED_LINKS) {
    const source = byId.get(from);
    const response = source?.operation.responses?.[status];
    if (!source || !response) continue;
    const sourceParams = new Set(pathParameters(source.path));
    for (const operationId of to) {
      const target = byId.get(operationId);
      if (!target) continue;
      const names = pathParameters(target.path);
      if (names.some((name) => !(name in parameters) && !sourceParams.has(name))) continue;
      const linked = Object.fromEntries(
        names.map((name) => [`path.${name}`, parameters[name] ?? `$request.path.${name}`]),
      );
      response.links = { ...response.links, [operationId]: { operationId, parameters: linked } };
    }
  }
}

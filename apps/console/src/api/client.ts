import {
  CSRF_HEADER,
  type Endpoint,
  type EndpointBody,
  type EndpointParams,
  type EndpointQuery,
  type EndpointResponse,
  type ErrorBody,
  ErrorBodySchema,
  endpointUrl,
} from '@slipway/contracts';

/** An API error with the server's message and per-field details. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly statusCode: number;
  readonly body: ErrorBody;

  constructor(body: ErrorBody) {
    super(body.message);
    this.statusCode = body.statusCode;
    this.body = body;
  }

  /** A key the endpoint added to its error body beyond the standard ones (unknown: undefined). */
  extra(key: string): unknown {
    return (this.body as Record<string, unknown>)[key];
  }

  /** The server's message for one field (`body.slug`), for showing next to that input. */
  fieldError(field: string): string | undefined {
    return this.body.details?.find((detail) => detail.field === field)?.message;
  }
}

let csrfToken: string | undefined;

/** Remembered from sign-in or GET /me; sent on every state-changing request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type CallInput<E extends Endpoint> = (EndpointParams<E> extends undefined
  ? { params?: undefined }
  : { params: EndpointParams<E> }) &
  (EndpointQuery<E> extends undefined ? { query?: undefined } : { query?: EndpointQuery<E> }) &
  (EndpointBody<E> extends undefined ? { body?: undefined } : { body: EndpointBody<E> }) & {
    /** Extra request headers (e.g. `Idempotency-Key`). */
    headers?: Record<string, string>;
  };

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The URL of a GET endpoint for a plain link (a download the browser saves itself): the
 * session cookie goes along, no CSRF token is needed.
 */
export function endpointHref<E extends Endpoint>(
  endpoint: E,
  input: { params?: Record<string, string>; query?: EndpointQuery<E> },
): string {
  return endpointUrl(endpoint.path, input.params) + queryString(input.query as Record<string, unknown>);
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    // Loose: an endpoint may add keys to its error (a 409's fresh state, e.g. an approval's new `diff`).
    const parsed = ErrorBodySchema.loose().safeParse(JSON.parse(text));
    if (parsed.success) return new ApiError(parsed.data);
  } catch {
    // not JSON: a proxy or a crashed server answered
  }
  return new ApiError({
    requestId: response.headers.get('x-request-id') ?? '',
    statusCode: response.status,
    error: response.statusText,
    message: `the server answered ${response.status} ${response.statusText}`.trim(),
  });
}

/**
 * Calls one contract endpoint: inputs typed from its schemas, the response parsed with
 * its schema. The only place the console talks HTTP.
 */
export async function callEndpoint<E extends Endpoint>(
  endpoint: E,
  input?: CallInput<E>,
): Promise<EndpointResponse<E>> {
  const {
    params,
    query,
    body,
    headers: extraHeaders,
  } = (input ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    headers?: Record<string, string>;
  };
  const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (endpoint.method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(endpointUrl(endpoint.path, params) + queryString(query), {
      method: endpoint.method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError({
      requestId: '',
      statusCode: 0,
      error: 'Network Error',
      message: 'cannot reach the Slipway server; check your connection and try again',
    });
  }
  if (!response.ok) throw await toApiError(response);
  if (endpoint.response === null || response.status === 204) return undefined as EndpointResponse<E>;
  return endpoint.response.parse(await response.json()) as EndpointResponse<E>;
}

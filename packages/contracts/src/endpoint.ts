import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One API operation, described once and used by both sides: the API registers its route
 * from it (schemas, operationId, tags) and the console's typed client calls it.
 */
export interface Endpoint<
  Params extends z.ZodType | undefined = z.ZodType | undefined,
  Query extends z.ZodType | undefined = z.ZodType | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Response extends z.ZodType | null = z.ZodType | null,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI-style path: `/api/v1/workspaces/{workspace}`. */
  path: string;
  summary: string;
  tag: string;
  /** `public` routes need no session (sign-in, health). */
  auth: 'public' | 'session';
  params: Params;
  query: Query;
  body: Body;
  successStatus: 200 | 201 | 204;
  /** `null` for 204 No Content. */
  response: Response;
  /** Request headers the operation reads (validated, and documented in OpenAPI). */
  headers?: z.ZodType | undefined;
  /**
   * Error statuses the operation answers for a reason of its own (beyond the generic
   * 4xx/5xx), each with what it means; documented in OpenAPI.
   */
  errors?: Partial<Record<400 | 403 | 404 | 409 | 422, string>> | undefined;
  /**
   * Error bodies that carry more than `ErrorBodySchema` (an extension of it), by status: the
   * 409 of a stale approval carries the new diff.
   */
  errorBodies?: Partial<Record<400 | 403 | 404 | 409 | 422, z.ZodType>> | undefined;
  /**
   * The operation changes nothing although its method is not a safe one (validation,
   * previews, dry runs, connection checks): the audit trail does not record it.
   */
  readOnly?: boolean | undefined;
  /**
   * Body fields recorded with their values in the audit trail's detail (never secrets);
   * the names of the other fields sent are recorded without their values.
   */
  auditedFields?: readonly string[] | undefined;
}

export function defineEndpoint<
  const Params extends z.ZodType | undefined = undefined,
  const Query extends z.ZodType | undefined = undefined,
  const Body extends z.ZodType | undefined = undefined,
  const Response extends z.ZodType | null = null,
>(
  endpoint: Omit<
    Endpoint<Params, Query, Body, Response>,
    'params' | 'query' | 'body' | 'successStatus' | 'auth'
  > & {
    params?: Params;
    query?: Query;
    body?: Body;
    successStatus?: 200 | 201 | 204;
    auth?: 'public' | 'session';
  },
): Endpoint<Params, Query, Body, Response> {
  return {
    ...endpoint,
    params: endpoint.params as Params,
    query: endpoint.query as Query,
    body: endpoint.body as Body,
    successStatus: endpoint.successStatus ?? (endpoint.response === null ? 204 : 200),
    auth: endpoint.auth ?? 'session',
  };
}

type InferOr<T, Fallback> = T extends z.ZodType ? z.input<T> : Fallback;

export type EndpointParams<E extends Endpoint> = InferOr<E['params'], undefined>;
export type EndpointQuery<E extends Endpoint> = InferOr<E['query'], undefined>;
export type EndpointBody<E extends Endpoint> = InferOr<E['body'], undefined>;
// `void` (not `undefined`): a 204 handler is an ordinary `async () => {}`.
export type EndpointResponse<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.output<E['response']>
  : // biome-ignore lint/suspicious/noConfusingVoidType: used only as a handler's resolved value
    void;

/** Fills `{name}` placeholders of an endpoint path from its params. */
export function endpointUrl(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}

import {
  type CreateRunBody,
  CSRF_HEADER,
  ErrorBodySchema,
  endpointUrl,
  type Run,
  runEndpoints,
} from '@slipway/contracts';
import { ApiError } from '../../../api/client.ts';
import { type PipelineRef, pipelineParams } from './keys.ts';

/**
 * POST .../runs with an `Idempotency-Key` header, which `callEndpoint` cannot send yet
 * (it takes no headers). Same error handling as the client: the server's error body
 * becomes an ApiError with its per-field details.
 */
export async function createRunRequest(
  ref: PipelineRef,
  body: CreateRunBody,
  idempotencyKey: string,
  csrfToken: string | undefined,
): Promise<Run> {
  const endpoint = runEndpoints.create;
  let response: Response;
  try {
    response = await fetch(endpointUrl(endpoint.path, pipelineParams(ref)), {
      method: endpoint.method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        ...(csrfToken ? { [CSRF_HEADER]: csrfToken } : {}),
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError({
      requestId: '',
      statusCode: 0,
      error: 'Network Error',
      message: 'cannot reach the Slipway server; check your connection and try again',
    });
  }
  const text = await response.text();
  if (!response.ok) {
    let parsed: ReturnType<typeof ErrorBodySchema.safeParse> | undefined;
    try {
      parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    } catch {
      // not JSON: a proxy or a crashed server answered
    }
    if (parsed?.success) throw new ApiError(parsed.data);
    throw new ApiError({
      requestId: response.headers.get('x-request-id') ?? '',
      statusCode: response.status,
      error: response.statusText,
      message: `the server answered ${response.status} ${response.statusText}`.trim(),
    });
  }
  return endpoint.response.parse(JSON.parse(text));
}

/**
 * A fresh key per Run dialog: the same opening never starts two runs. Built from
 * getRandomValues because randomUUID exists only on https (or localhost) pages.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `run-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

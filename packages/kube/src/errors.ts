import { ApiException } from '@kubernetes/client-node';

export interface KubeErrorDetail {
  field?: string;
  message: string;
}

/**
 * A Kubernetes failure already translated into the API's error taxonomy: `statusCode` is
 * what Slipway answers (400 invalid object, 403 forbidden, 404, 409, 502 unreachable or
 * failing cluster, 504 no answer in time), `message` keeps the useful part of the cause.
 */
export class KubeError extends Error {
  override name = 'KubeError';
  readonly statusCode: 400 | 403 | 404 | 409 | 502 | 504;
  readonly details: KubeErrorDetail[] | undefined;
  /** The HTTP status the API server answered, when it answered. */
  readonly kubeStatus: number | undefined;

  constructor(
    statusCode: KubeError['statusCode'],
    message: string,
    options: { details?: KubeErrorDetail[]; kubeStatus?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.statusCode = statusCode;
    this.details = options.details;
    this.kubeStatus = options.kubeStatus;
  }
}

interface KubeStatus {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

function parseStatus(body: unknown): KubeStatus | undefined {
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as KubeStatus;
  } catch {
    return { message: body.slice(0, 500) };
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS'))) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Translates whatever @kubernetes/client-node threw while doing `action` on `server`. */
export function toKubeError(error: unknown, action: string, server: string): KubeError {
  if (error instanceof KubeError) return error;
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    const message = status?.message ?? `HTTP ${error.code}`;
    const options = { kubeStatus: error.code, cause: error };
    switch (error.code) {
      case 400:
      case 422: {
        const details = (status?.details?.causes ?? []).map((cause) => ({
          ...(cause.field ? { field: cause.field } : {}),
          message: cause.message ?? cause.reason ?? 'invalid',
        }));
        return new KubeError(400, `Kubernetes rejected ${action}: ${message}`, { ...options, details });
      }
      case 401:
        return new KubeError(
          502,
          `the cluster at ${server} rejected the credentials while trying to ${action}`,
          options,
        );
      case 403:
        return new KubeError(403, `not allowed to ${action}: ${message}`, options);
      case 404:
        return new KubeError(404, `${action}: ${message}`, options);
      case 409:
        return new KubeError(409, `${action}: ${message}`, options);
      case 504:
        return new KubeError(504, `the cluster at ${server} timed out while trying to ${action}`, options);
      default:
        return new KubeError(
          502,
          `the cluster at ${server} failed to ${action} (HTTP ${error.code}): ${message}`,
          options,
        );
    }
  }
  const code = networkCode(error);
  if (code) {
    return new KubeError(502, `cannot reach the cluster at ${server} to ${action} (${code})`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KubeError(502, `the cluster at ${server} failed to ${action}: ${message}`, { cause: error });
}

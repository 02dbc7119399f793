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
  /**
   * What the API server named as the causes of a 4xx: its Status `details.causes` (field path
   * such as `spec.template.spec.containers[0].image`, and message), as Kubernetes API
   * conventions define them. Undefined when the server answered no Status or no causes.
   */
  readonly causes: KubeErrorDetail[] | undefined;

  constructor(
    statusCode: KubeError['statusCode'],
    message: string,
    options: {
      details?: KubeErrorDetail[];
      causes?: KubeErrorDetail[];
      kubeStatus?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.statusCode = statusCode;
    this.details = options.details;
    this.causes = options.causes;
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

/** A Status's `details.causes` as field + message, or undefined when it names none. */
function causesOf(status: KubeStatus | undefined): KubeErrorDetail[] | undefined {
  const causes = status?.details?.causes;
  if (!causes?.length) return undefined;
  return causes.map((cause) => ({
    ...(cause.field ? { field: cause.field } : {}),
    message: cause.message ?? cause.reason ?? 'invalid',
  }));
}

const TYPED_PATCH_ERROR = /^failed to create typed patch object \([^)]*\): ([\s\S]+)$/;

/**
 * The fields of a server-side apply body that the object's schema does not declare. The API
 * server answers those with a 500 whose message is `failed to create typed patch object (<ns/name;
 * gvk>): .spec.replicaz: field not declared in schema` (kubernetes/kubernetes#122480, #139253:
 * a plain error instead of a BadRequest); it is the user's input, so it becomes a 400 with causes.
 * Several errors come as `errors:` followed by one `.path: message` per line.
 */
function typedPatchCauses(message: string): KubeErrorDetail[] | undefined {
  const body = TYPED_PATCH_ERROR.exec(message)?.[1];
  if (!body) return undefined;
  const causes = body
    .split('\n')
    .map((line) => /^\s*\.?([^\s:][^:]*): (.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ field: match[1] as string, message: match[2] as string }));
  return causes.length > 0 ? causes : [{ message: body }];
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
    const causes = causesOf(status);
    const options = {
      kubeStatus: error.code,
      cause: error,
      ...(causes && error.code >= 400 && error.code < 500 ? { causes } : {}),
    };
    const schemaCauses = error.code === 500 ? typedPatchCauses(message) : undefined;
    if (schemaCauses) {
      return new KubeError(400, `Kubernetes rejected ${action}: ${message}`, {
        kubeStatus: error.code,
        cause: error,
        causes: schemaCauses,
        details: schemaCauses,
      });
    }
    switch (error.code) {
      case 400:
      case 422:
        return new KubeError(400, `Kubernetes rejected ${action}: ${message}`, {
          ...options,
          details: causes ?? [],
        });
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

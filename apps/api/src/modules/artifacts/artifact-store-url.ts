/** Default of SLIPWAY_ARTIFACT_MAX_RUN_BYTES: 1 GiB per run. */
export const DEFAULT_ARTIFACT_MAX_RUN_BYTES = 1024 ** 3;

/**
 * Where blobs (artifact archives, Kubernetes jobs' caches) are kept, from SLIPWAY_ARTIFACT_STORE:
 * `postgres` (unset) is large objects in Slipway's own database; `s3` is a bucket of an
 * S3-compatible object store (AWS S3, MinIO, SeaweedFS, Ceph RGW…), credentials from the standard
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (the AWS SDK's default provider chain).
 */
export type ArtifactStoreLocation =
  | { kind: 'postgres' }
  | {
      kind: 's3';
      bucket: string;
      /** Prepended to every key; empty or ending in `/`. */
      prefix: string;
      /** A non-AWS endpoint (`http://127.0.0.1:8333`); path-style addressing is used with it. */
      endpoint: string | undefined;
      /** The signing region; `us-east-1` when not given. */
      region: string;
    };

const USAGE = 'must be s3://bucket[/prefix][?endpoint=https://host:port&region=name] (unset: PostgreSQL)';

/** Bucket names as S3 allows them (3–63 lowercase letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses SLIPWAY_ARTIFACT_STORE (`s3://bucket/prefix?endpoint=…&region=…`, or `postgres`).
 * Returns the reason as a string when the value is malformed (config.ts names the variable).
 */
export function parseArtifactStoreUrl(value: string): ArtifactStoreLocation | string {
  if (value === 'postgres' || value === 'postgresql') return { kind: 'postgres' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return USAGE;
  }
  if (url.protocol !== 's3:') return USAGE;
  if (url.username || url.password) {
    return 'must not carry credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  const bucket = url.hostname;
  if (!BUCKET.test(bucket)) return `bucket "${bucket}" is not a valid bucket name; ${USAGE}`;
  const known = new Set(['endpoint', 'region']);
  for (const name of url.searchParams.keys()) {
    if (!known.has(name)) return `unknown option "${name}" (endpoint and region are known); ${USAGE}`;
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    return `endpoint must be an http:// or https:// URL; ${USAGE}`;
  }
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  return {
    kind: 's3',
    bucket,
    prefix: path ? `${path}/` : '',
    endpoint,
    region: url.searchParams.get('region') || 'us-east-1',
  };
}

import type { ResolvedCredential } from './run-credentials.ts';

/**
 * The shortest secret line that is masked, in characters after trimming surrounding
 * whitespace. Shorter lines (a PEM's closing `=` line, an empty line) would mask ordinary
 * output everywhere and hide nothing worth hiding.
 */
export const MIN_MASKED_LENGTH = 3;

/** What a secret is replaced by in a log. */
export const MASK = '***';
const MASK_BYTES = Buffer.from(MASK);

/**
 * Every value a run's steps may print that must not reach a log: secret parameter values
 * and each credential's secret, plus the encodings Slipway itself gives them (the base64
 * `user:secret` of a registry credential's Docker config, also used for HTTP basic auth).
 * Usernames are not secrets (the console shows them), so they are not masked.
 */
export function secretsOfRun(
  secretParameters: Record<string, unknown>,
  credentials: Iterable<ResolvedCredential>,
): string[] {
  const values = Object.values(secretParameters).map(String);
  for (const credential of credentials) {
    values.push(credential.secret);
    if (credential.type !== 'token') values.push(basicAuthOf(credential.username, credential.secret));
  }
  return values;
}

/** Base64 of `username:secret`: the `auth` of a Docker config and of HTTP basic authentication. */
export function basicAuthOf(username: string | null, secret: string): string {
  return Buffer.from(`${username ?? ''}:${secret}`).toString('base64');
}

/**
 * The byte patterns masked in a log, longest first: each line of every secret (split at LF,
 * a CR before it dropped), trimmed of surrounding whitespace, at least MIN_MASKED_LENGTH
 * characters long. Output is masked line by line, so a secret of several lines is masked
 * line by line too, also where only some of its lines are printed.
 */
export function secretPatterns(secrets: readonly string[]): Buffer[] {
  const lines = new Set<string>();
  for (const secret of secrets) {
    for (const line of secret.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_MASKED_LENGTH) lines.add(trimmed);
    }
  }
  return [...lines].map((line) => Buffer.from(line)).sort((a, b) => b.length - a.length);
}

/** One occurrence of a pattern: bytes [start, end). */
export interface SecretMatch {
  start: number;
  end: number;
}

/**
 * Where patterns occur in `bytes`, as a left-to-right scan masks them: at each position the
 * longest pattern that starts there, then on after it (no overlaps). Patterns never hold
 * LF, so a match never spans lines.
 */
export function findSecrets(bytes: Buffer, patterns: readonly Buffer[]): SecretMatch[] {
  const all: SecretMatch[] = [];
  for (const pattern of patterns) {
    for (let at = bytes.indexOf(pattern); at !== -1; at = bytes.indexOf(pattern, at + 1)) {
      all.push({ start: at, end: at + pattern.length });
    }
  }
  if (all.length === 0) return all;
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: SecretMatch[] = [];
  let reached = 0;
  for (const match of all) {
    if (match.start < reached) continue;
    chosen.push(match);
    reached = match.end;
  }
  return chosen;
}

/** `bytes` with every secret replaced by MASK (the same Buffer when none occurs). */
export function maskBytes(bytes: Buffer, patterns: readonly Buffer[]): Buffer {
  if (patterns.length === 0) return bytes;
  const matches = findSecrets(bytes, patterns);
  if (matches.length === 0) return bytes;
  const parts: Buffer[] = [];
  let from = 0;
  for (const match of matches) {
    parts.push(bytes.subarray(from, match.start), MASK_BYTES);
    from = match.end;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

/** A text with every secret (each line of a multi-line one) replaced by MASK. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return maskBytes(Buffer.from(text), secretPatterns(secrets)).toString();
}

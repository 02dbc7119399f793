import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long after its job attempt finished a job token is still accepted, in ms. */
export const JOB_TOKEN_GRACE_MS = 10 * 60_000;

/** The environment variable a job's steps find their token in (never a user's credentials). */
export const JOB_TOKEN_ENV = 'SLIPWAY_JOB_TOKEN';

/**
 * Per-job tokens: `<jobRunId>.<base64url HMAC-SHA256(secretKey, "job-files:" + jobRunId)>`.
 * Deterministic, so a job re-dispatched after a restart gets the same one, and nothing is
 * stored: the signature proves the server issued it for that job attempt. How long it is
 * accepted (while the attempt runs, and JOB_TOKEN_GRACE_MS after) is checked against the
 * attempt's row (job-files.service.ts).
 */
export function createJobTokens(secretKey: Buffer) {
  const signature = (jobRunId: string) =>
    createHmac('sha256', secretKey).update(`job-files:${jobRunId}`).digest('base64url');
  return {
    /** The token of one job attempt. */
    sign(jobRunId: string): string {
      return `${jobRunId}.${signature(jobRunId)}`;
    },
    /** The job attempt a token was issued for, or null when it is not one of ours. */
    verify(token: string): string | null {
      const dot = token.lastIndexOf('.');
      if (dot <= 0) return null;
      const jobRunId = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(signature(jobRunId));
      return given.length === expected.length && timingSafeEqual(given, expected) ? jobRunId : null;
    },
  };
}

export type JobTokens = ReturnType<typeof createJobTokens>;
